"""Translations of the demo content (`flask seed demo`), by natural key.

`"council:<slug>"`, `"theme:<slug>"`, `"recommendation:<code>"`,
`"venue:<slug>"` and `"event:<slug without its date>"` map each language to
the translated fields (see `i18n.Localized`). `"event:council-meeting"` is
the monthly Sub-council meeting, `{council}` standing for the Sub-council's
name in that language.
"""

TRANSLATIONS = {'council:education': {'fr': {'name': 'Éducation',
                              'description': 'Travaille avec les conseils scolaires, le personnel '
                                             'enseignant, les parents et les élèves pour que les enfants et '
                                             'les adultes nouvellement arrivés réussissent à l’école et dans '
                                             'les cours d’anglais langue seconde.'}},
 'council:employment': {'fr': {'name': 'Emploi',
                               'description': 'Réunit employeurs, services d’emploi et chercheurs d’emploi '
                                              'pour que les personnes immigrantes trouvent un travail à la '
                                              'mesure de leurs compétences.'}},
 'council:health-and-wellbeing': {'fr': {'name': 'Santé et bien-être',
                                         'description': 'Améliore l’accès des personnes nouvellement '
                                                        'arrivées aux soins de santé et au soutien en santé '
                                                        'mentale, et aide les intervenants à servir une '
                                                        'communauté diversifiée.'}},
 'council:inclusion-and-civic-engagement': {'fr': {'name': 'Inclusion et engagement civique',
                                                   'description': 'Bâtit une communauté accueillante où '
                                                                  'nouveaux arrivants et résidents de longue '
                                                                  'date se rencontrent, participent à la vie '
                                                                  'civique et luttent ensemble contre le '
                                                                  'racisme.'}},
 'council:justice-and-protection-services': {'fr': {'name': 'Justice et services de protection',
                                                    'description': 'Aide les personnes nouvellement arrivées '
                                                                   'à connaître leurs droits et à joindre la '
                                                                   'police et les services juridiques et de '
                                                                   'protection, et aide ces services à mieux '
                                                                   'les comprendre.'}},
 'council:settlement': {'fr': {'name': 'Établissement',
                               'description': 'Coordonne les services d’établissement pour que les personnes '
                                              'nouvellement arrivées trouvent l’aide dont elles ont besoin, '
                                              'dans leur langue, dès le premier jour.'}},
 'theme:advocacy-systemic-change': {'fr': {'name': 'Défense des droits et changement systémique'}},
 'theme:supports-and-services-for-immigrants': {'fr': {'name': 'Soutiens et services aux personnes '
                                                               'immigrantes'}},
 'theme:communication-and-access-to-information': {'fr': {'name': 'Communication et accès à l’information'}},
 'theme:host-community': {'fr': {'name': 'Communauté d’accueil'}},
 'theme:supports-for-service-providers': {'fr': {'name': 'Soutiens aux fournisseurs de services'}},
 'recommendation:ED-1': {'fr': {'title': 'Soutenir les parents, le personnel enseignant et les élèves dans '
                                         'le système scolaire'}},
 'recommendation:ED-2': {'fr': {'title': 'Explorer d’autres façons d’offrir l’anglais langue seconde'}},
 'recommendation:ED-3': {'fr': {'title': 'Document de position : une certification « Enseigner en classe '
                                         'multilingue »'}},
 'recommendation:ED-4': {'fr': {'title': 'Dépistage précoce des troubles d’apprentissage chez les enfants '
                                         'nouvellement arrivés'}},
 'recommendation:EM-1': {'fr': {'title': 'Faire connaître les ressources pour employeurs par le conseil pour '
                                         'l’emploi des immigrants'}},
 'recommendation:EM-2': {'fr': {'title': 'Une liste des clés du succès pour les chercheurs d’emploi'}},
 'recommendation:EM-3': {'fr': {'title': 'Mentorat par les pairs pour les chercheurs d’emploi immigrants'}},
 'recommendation:EM-4': {'fr': {'title': 'Un processus d’évaluation commun entre les services d’emploi'}},
 'recommendation:HW-1': {'fr': {'title': 'Formation à la sensibilité culturelle pour les intervenants en '
                                         'santé et en services sociaux'}},
 'recommendation:HW-2': {'fr': {'title': 'Des soutiens globaux pour la santé mentale et le bien-être des '
                                         'personnes nouvellement arrivées'}},
 'recommendation:HW-3': {'fr': {'title': 'Sensibiliser les intervenants au parcours des personnes '
                                         'nouvellement arrivées'}},
 'recommendation:IC-1': {'fr': {'title': 'Des événements de quartier qui rassemblent nouveaux arrivants et '
                                         'résidents de longue date'}},
 'recommendation:IC-2': {'fr': {'title': 'Des personnes nouvellement arrivées dans les conseils, les comités '
                                         'et la vie civique'}},
 'recommendation:JP-1': {'fr': {'title': 'Information sur le logement, le rôle parental et la maltraitance '
                                         'des aînés'}},
 'recommendation:JP-2': {'fr': {'title': 'Des outils pour accéder aux services de justice et de protection'}},
 'recommendation:JP-3': {'fr': {'title': 'Formation des intervenants sur la situation juridique des '
                                         'personnes nouvellement arrivées'}},
 'recommendation:SE-1': {'fr': {'title': 'Des soutiens à l’établissement globaux et coordonnés'}},
 'recommendation:SE-2': {'fr': {'title': 'Une information claire sur les services d’établissement'}},
 'event:community-meeting': {'fr': {'title': 'Rencontre communautaire du 7 mars',
                                    'summary': 'Quatre ateliers qui donnent suite aux recommandations des '
                                               'sous-conseils Santé et bien-être et Emploi. Dîner offert.'}},
 'event:common-assessment-process': {'fr': {'title': 'Processus d’évaluation commun',
                                            'summary': 'Comment fonctionne le processus d’accueil commun du '
                                                       'conseil du secteur de l’emploi, et ce qu’il change '
                                                       'pour les chercheurs d’emploi.'}},
 'event:journeys-to-canada': {'fr': {'title': 'Parcours vers le Canada',
                                     'summary': 'Des personnes nouvellement arrivées et réfugiées racontent '
                                                'le parcours qui les a menées à London et dans le comté de '
                                                'Middlesex.'}},
 'event:breath-self-care': {'fr': {'title': 'Respirer – prendre soin de soi en période de stress',
                                   'summary': 'Des exercices de respiration et d’ancrage à la portée de tous '
                                              'quand l’installation devient trop lourde.'}},
 'event:building-bridges-anti-racism-101': {'fr': {'title': 'Bâtir des ponts : l’antiracisme 101',
                                                   'summary': 'À quoi ressemble le racisme dans les services '
                                                              'de tous les jours, et ce que chacun peut '
                                                              'faire.'}},
 'event:council-meeting': {'fr': {'title': 'Réunion du sous-conseil {council}',
                                  'summary': 'Réunion mensuelle du sous-conseil. Le public est invité à y '
                                             'assister.'}},
 'event:welcome-potluck-east-london': {'fr': {'title': 'Repas-partage de bienvenue dans l’est de London',
                                              'summary': 'Apportez un plat de chez vous et rencontrez vos '
                                                         'voisins. Les familles sont les bienvenues.'}},
 'event:tenant-rights-info-session': {'fr': {'title': 'Connaître ses droits de locataire',
                                             'summary': 'Baux, augmentations de loyer et réparations '
                                                        'expliqués par une clinique juridique '
                                                        'communautaire.'}},
 'event:strathroy-newcomer-coffee': {'fr': {'title': 'Café-rencontre des nouveaux arrivants à Strathroy',
                                            'summary': 'Café, pratique de la conversation et information sur '
                                                       'les services du comté de Middlesex.'}},
 'event:parenting-in-canada': {'fr': {'title': 'Être parent au Canada : une conversation',
                                      'summary': 'École, discipline et protection de l’enfance : des parents '
                                                 'qui sont passés par là répondent à vos questions.'}},
 'event:esl-options-open-house': {'fr': {'title': 'Portes ouvertes : les cours d’anglais langue seconde',
                                         'summary': 'Cours d’anglais le soir, la fin de semaine et en ligne '
                                                    'réunis dans une même salle : trouvez celui qui convient '
                                                    'à votre semaine.'}},
 'event:job-seekers-peer-mentoring-kickoff': {'fr': {'title': 'Mentorat par les pairs pour chercheurs '
                                                              'd’emploi : lancement',
                                                     'summary': 'Rencontrez des mentors qui ont trouvé un '
                                                                'emploi dans leur domaine.'}},
 'event:fall-harvest-festival': {'fr': {'title': 'Fête de quartier des récoltes d’automne',
                                        'summary': 'Musique, nourriture et jeux pour toute la famille.'}},
 'event:elder-abuse-awareness': {'fr': {'title': 'Reconnaître la maltraitance des aînés',
                                        'summary': 'Une séance d’information pour les familles et les '
                                                   'proches aidants.'}}}
