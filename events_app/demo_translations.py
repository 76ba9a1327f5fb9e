"""Translations of the demo content (`flask seed demo`), by natural key.

`"council:<slug>"`, `"theme:<slug>"`, `"recommendation:<code>"`,
`"venue:<slug>"` and `"event:<slug without its date>"` map each language to
the translated fields (see `i18n.Localized`). `"event:council-meeting"` is
the monthly Sub-council meeting, `{council}` standing for the Sub-council's
name in that language.
"""

TRANSLATIONS = {
    "council:education": {
        "fr": {
            "name": "Éducation",
            "description": (
                "Travaille avec les conseils scolaires, le personnel enseignant, les parents et les élèves "
                "pour que les enfants et les adultes nouvellement arrivés réussissent à l’école et dans les "
                "cours d’anglais langue seconde."
            ),
        },
        "ar": {
            "name": "التعليم",
            "description": (
                "يعمل مع مجالس المدارس والمعلمين وأولياء الأمور والطلاب، لكي ينجح الأطفال والكبار القادمون "
                "الجدد في المدرسة وفي دروس الإنجليزية لغةً ثانية (ESL)."
            ),
        },
        "es": {
            "name": "Educación",
            "description": (
                "Trabaja con las juntas escolares, docentes, madres, padres y estudiantes para que niñas, "
                "niños y personas adultas recién llegadas tengan éxito en la escuela y en las clases de "
                "inglés como segundo idioma (ESL)."
            ),
        },
        "zh_Hans": {
            "name": "教育",
            "description": (
                "与教育局、教师、家长和学生合作，帮助新移民儿童和成人在学校学习顺利，"
                "并学好英语作为第二语言（ESL）课程。"
            ),
        },
    },
    "council:employment": {
        "fr": {
            "name": "Emploi",
            "description": (
                "Réunit employeurs, services d’emploi et chercheurs d’emploi pour que les personnes "
                "immigrantes trouvent un travail à la mesure de leurs compétences."
            ),
        },
        "ar": {
            "name": "التوظيف",
            "description": (
                "يجمع أصحاب العمل وخدمات التوظيف والباحثين عن عمل، لكي يجد المهاجرون عملًا يناسب مهاراتهم."
            ),
        },
        "es": {
            "name": "Empleo",
            "description": (
                "Reúne a empleadores, servicios de empleo y personas que buscan trabajo para que las "
                "personas inmigrantes encuentren un empleo acorde con sus habilidades."
            ),
        },
        "zh_Hans": {
            "name": "就业",
            "description": "把雇主、就业服务机构和求职者联系在一起，帮助移民找到与自己技能相符的工作。",
        },
    },
    "council:health-and-wellbeing": {
        "fr": {
            "name": "Santé et bien-être",
            "description": (
                "Améliore l’accès des personnes nouvellement arrivées aux soins de santé et au soutien en "
                "santé mentale, et aide les intervenants à servir une communauté diversifiée."
            ),
        },
        "ar": {
            "name": "الصحة والرفاه",
            "description": (
                "يحسّن وصول القادمين الجدد إلى الرعاية الصحية وخدمات دعم الصحة النفسية، ويساعد مقدّمي "
                "الخدمات على خدمة مجتمع متنوّع."
            ),
        },
        "es": {
            "name": "Salud y bienestar",
            "description": (
                "Mejora el acceso de las personas recién llegadas a la atención de salud y al apoyo en salud "
                "mental, y ayuda a quienes prestan servicios a atender a una comunidad diversa."
            ),
        },
        "zh_Hans": {
            "name": "健康与福祉",
            "description": (
                "帮助新移民更容易获得医疗服务和心理健康支持，并帮助服务提供者更好地服务多元化的社区。"
            ),
        },
    },
    "council:inclusion-and-civic-engagement": {
        "fr": {
            "name": "Inclusion et engagement civique",
            "description": (
                "Bâtit une communauté accueillante où nouveaux arrivants et résidents de longue date se "
                "rencontrent, participent à la vie civique et luttent ensemble contre le racisme."
            ),
        },
        "ar": {
            "name": "الإدماج والمشاركة المدنية",
            "description": (
                "يبني مجتمعًا مرحِّبًا يلتقي فيه القادمون الجدد والسكان المقيمون منذ زمن طويل، ويشاركون في "
                "الحياة المدنية، ويقفون معًا ضد العنصرية."
            ),
        },
        "es": {
            "name": "Inclusión y participación cívica",
            "description": (
                "Construye una comunidad acogedora donde las personas recién llegadas y quienes viven aquí "
                "desde hace tiempo se conocen, participan en la vida cívica y se unen contra el racismo."
            ),
        },
        "zh_Hans": {
            "name": "包容与公民参与",
            "description": (
                "建设一个友善包容的社区，让新移民和老居民彼此相识，一起参与公共生活，共同反对种族主义。"
            ),
        },
    },
    "council:justice-and-protection-services": {
        "fr": {
            "name": "Justice et services de protection",
            "description": (
                "Aide les personnes nouvellement arrivées à connaître leurs droits et à joindre la police et "
                "les services juridiques et de protection, et aide ces services à mieux les comprendre."
            ),
        },
        "ar": {
            "name": "العدالة وخدمات الحماية",
            "description": (
                "يساعد القادمين الجدد على فهم حقوقهم والوصول إلى الشرطة والخدمات القانونية وخدمات الحماية، "
                "ويساعد هذه الخدمات على فهم القادمين الجدد."
            ),
        },
        "es": {
            "name": "Justicia y servicios de protección",
            "description": (
                "Ayuda a las personas recién llegadas a conocer sus derechos y a acudir a la policía y a los "
                "servicios legales y de protección, y ayuda a esos servicios a comprenderlas mejor."
            ),
        },
        "zh_Hans": {
            "name": "司法与保护服务",
            "description": (
                "帮助新移民了解自己的权利，联系警察、法律服务和保护服务；"
                "同时帮助这些服务机构更好地了解新移民。"
            ),
        },
    },
    "council:settlement": {
        "fr": {
            "name": "Établissement",
            "description": (
                "Coordonne les services d’établissement pour que les personnes nouvellement arrivées "
                "trouvent l’aide dont elles ont besoin, dans leur langue, dès le premier jour."
            ),
        },
        "ar": {
            "name": "الاستقرار",
            "description": (
                "ينسّق خدمات الاستقرار لكي يجد القادمون الجدد المساعدة التي يحتاجونها، بلغتهم، منذ يومهم "
                "الأول."
            ),
        },
        "es": {
            "name": "Asentamiento",
            "description": (
                "Coordina los servicios de asentamiento para que las personas recién llegadas encuentren la "
                "ayuda que necesitan, en su idioma, desde el primer día."
            ),
        },
        "zh_Hans": {
            "name": "安置",
            "description": "协调各项安置服务，让新移民从抵达的第一天起，就能用自己的语言找到所需的帮助。",
        },
    },
    "theme:advocacy-systemic-change": {
        "fr": {
            "name": "Défense des droits et changement systémique",
            "outcome": (
                "Les politiques et les systèmes de London et du comté de Middlesex changent pour ne plus "
                "désavantager les personnes nouvellement arrivées."
            ),
        },
        "ar": {
            "name": "المناصرة والتغيير المنهجي",
            "outcome": (
                "تتغيّر السياسات والأنظمة في لندن وميدلسكس بحيث لا تضع القادمين الجدد في موقف أضعف من غيرهم."
            ),
        },
        "es": {
            "name": "Defensa de derechos y cambio sistémico",
            "outcome": (
                "Las políticas y los sistemas de London y Middlesex cambian para dejar de poner en "
                "desventaja a las personas recién llegadas."
            ),
        },
        "zh_Hans": {
            "name": "倡导与系统性变革",
            "outcome": "伦敦和米德尔塞克斯县的政策和制度得到改变，不再让新移民处于不利地位。",
        },
    },
    "theme:supports-and-services-for-immigrants": {
        "fr": {
            "name": "Soutiens et services aux personnes immigrantes",
            "outcome": (
                "Les personnes nouvellement arrivées trouvent les services dont elles ont besoin, "
                "coordonnés, accessibles et dans leur langue."
            ),
        },
        "ar": {
            "name": "الدعم والخدمات للمهاجرين",
            "outcome": "يجد القادمون الجدد الخدمات التي يحتاجونها، منسَّقةً وسهلة الوصول وبلغتهم.",
        },
        "es": {
            "name": "Apoyos y servicios para inmigrantes",
            "outcome": (
                "Las personas recién llegadas encuentran los servicios que necesitan, coordinados, "
                "accesibles y en su idioma."
            ),
        },
        "zh_Hans": {
            "name": "移民支持与服务",
            "outcome": "新移民能找到所需的服务：各项服务相互协调、方便获得，并且使用他们的语言。",
        },
    },
    "theme:communication-and-access-to-information": {
        "fr": {
            "name": "Communication et accès à l’information",
            "outcome": (
                "Les personnes nouvellement arrivées et les fournisseurs de services ont une information "
                "claire et à jour sur les services, les droits et les possibilités."
            ),
        },
        "ar": {
            "name": "التواصل والوصول إلى المعلومات",
            "outcome": (
                "يحصل القادمون الجدد ومقدّمو الخدمات على معلومات واضحة وفي وقتها عن الخدمات والحقوق والفرص."
            ),
        },
        "es": {
            "name": "Comunicación y acceso a la información",
            "outcome": (
                "Las personas recién llegadas y quienes prestan servicios tienen información clara y "
                "oportuna sobre servicios, derechos y oportunidades."
            ),
        },
        "zh_Hans": {
            "name": "沟通与信息获取",
            "outcome": "新移民和服务提供者能及时获得关于服务、权利和机会的清晰信息。",
        },
    },
    "theme:host-community": {
        "fr": {
            "name": "Communauté d’accueil",
            "outcome": (
                "Une communauté accueillante où les personnes nouvellement arrivées et les résidents de "
                "longue date se connaissent et travaillent ensemble."
            ),
        },
        "ar": {
            "name": "المجتمع المضيف",
            "outcome": "مجتمع مرحِّب يتعارف فيه القادمون الجدد والسكان المقيمون منذ زمن طويل ويعملون معًا.",
        },
        "es": {
            "name": "Comunidad de acogida",
            "outcome": (
                "Una comunidad acogedora donde las personas recién llegadas y quienes viven aquí desde hace "
                "tiempo se conocen y trabajan juntas."
            ),
        },
        "zh_Hans": {
            "name": "接纳社区",
            "outcome": "一个友善包容的社区：新移民和老居民彼此了解，携手合作。",
        },
    },
    "theme:supports-for-service-providers": {
        "fr": {
            "name": "Soutiens aux fournisseurs de services",
            "outcome": (
                "Les fournisseurs de services ont la formation, les outils et les liens nécessaires pour "
                "bien servir une communauté diversifiée."
            ),
        },
        "ar": {
            "name": "الدعم لمقدّمي الخدمات",
            "outcome": (
                "يمتلك مقدّمو الخدمات التدريب والأدوات والعلاقات التي يحتاجونها لخدمة مجتمع متنوّع خدمةً "
                "جيدة."
            ),
        },
        "es": {
            "name": "Apoyos para quienes prestan servicios",
            "outcome": (
                "Quienes prestan servicios cuentan con la capacitación, las herramientas y los contactos "
                "para atender bien a una comunidad diversa."
            ),
        },
        "zh_Hans": {
            "name": "服务提供者支持",
            "outcome": "服务提供者拥有所需的培训、工具和人脉，能够很好地服务多元化的社区。",
        },
    },
    "recommendation:ED-1": {
        "fr": {
            "title": "Soutenir les parents, le personnel enseignant et les élèves dans le système scolaire",
            "description": (
                "Un groupe de travail formé de parents, d’enseignants et de travailleurs d’établissement "
                "dans les écoles cerne ce dont les familles nouvellement arrivées ont besoin pour s’y "
                "retrouver dans les écoles de l’Ontario."
            ),
        },
        "ar": {
            "title": "دعم أولياء الأمور والمعلمين والطلاب في النظام المدرسي",
            "description": (
                "فريق عمل من أولياء الأمور والمعلمين وعاملي الاستقرار في المدارس يحدّد ما تحتاجه الأسر "
                "القادمة حديثًا لتفهم مدارس أونتاريو وتتعامل معها بثقة."
            ),
        },
        "es": {
            "title": "Apoyar a madres, padres, docentes y estudiantes en el sistema escolar",
            "description": (
                "Un grupo de trabajo de madres, padres, docentes y trabajadores de asentamiento en las "
                "escuelas identifica lo que necesitan las familias recién llegadas para desenvolverse en las "
                "escuelas de Ontario."
            ),
        },
        "zh_Hans": {
            "title": "在学校系统中支持家长、教师和学生",
            "description": (
                "由家长、教师和驻校安置服务人员组成的工作小组，找出新移民家庭在安大略省学校中需要哪些帮助。"
            ),
        },
    },
    "recommendation:ED-2": {
        "fr": {
            "title": "Explorer d’autres façons d’offrir l’anglais langue seconde",
            "description": (
                "Des cours d’anglais langue seconde le soir, en ligne et en milieu de travail, pour que les "
                "adultes qui travaillent et les parents de jeunes enfants puissent apprendre l’anglais."
            ),
        },
        "ar": {
            "title": "البحث عن طرق أخرى لتقديم دروس الإنجليزية لغةً ثانية (ESL)",
            "description": (
                "دروس الإنجليزية لغةً ثانية (ESL) في المساء وعبر الإنترنت وفي مكان العمل، لكي يتمكّن الكبار "
                "العاملون والآباء والأمهات الذين لديهم أطفال صغار من تعلّم الإنجليزية."
            ),
        },
        "es": {
            "title": "Explorar otras formas de ofrecer inglés como segundo idioma (ESL)",
            "description": (
                "Clases de inglés como segundo idioma por la noche, en línea y en el lugar de trabajo, para "
                "que las personas adultas que trabajan y las madres y padres de niños pequeños puedan "
                "aprender inglés."
            ),
        },
        "zh_Hans": {
            "title": "探索开设英语作为第二语言（ESL）课程的其他方式",
            "description": (
                "开设晚间、网上和工作场所的ESL课程，让上班的成年人和有年幼孩子的家长也能学习英语。"
            ),
        },
    },
    "recommendation:ED-3": {
        "fr": {
            "title": "Document de position : une certification « Enseigner en classe multilingue »",
            "description": (
                "Plaider auprès des facultés d’éducation pour une qualification additionnelle sur "
                "l’enseignement en classe multilingue."
            ),
        },
        "ar": {
            "title": "ورقة موقف: شهادة «التدريس في الفصول متعددة اللغات»",
            "description": (
                "المطالبة لدى كليات التربية بإضافة مؤهل إضافي للمعلمين في التدريس في الفصول متعددة اللغات."
            ),
        },
        "es": {
            "title": "Documento de posición: una certificación “Enseñar en aulas multilingües”",
            "description": (
                "Abogar ante las facultades de educación por una calificación adicional sobre la enseñanza "
                "en aulas multilingües."
            ),
        },
        "zh_Hans": {
            "title": "立场文件：“多语言课堂教学”资格认证",
            "description": "向大学教育学院倡导，为教师开设一项关于多语言课堂教学的附加资格课程。",
        },
    },
    "recommendation:ED-4": {
        "fr": {
            "title": "Dépistage précoce des troubles d’apprentissage chez les enfants nouvellement arrivés",
            "description": (
                "Un dépistage qui distingue un trouble d’apprentissage des difficultés liées à "
                "l’apprentissage d’une nouvelle langue, assez tôt pour pouvoir aider."
            ),
        },
        "ar": {
            "title": "الكشف المبكر عن صعوبات التعلّم لدى الأطفال القادمين الجدد",
            "description": (
                "فحص يميّز صعوبة التعلّم عن الصعوبات الطبيعية في تعلّم لغة جديدة، في وقت مبكر بما يكفي "
                "لتقديم المساعدة."
            ),
        },
        "es": {
            "title": "Detección temprana de dificultades de aprendizaje en niñas y niños recién llegados",
            "description": (
                "Una evaluación que distinga una dificultad de aprendizaje del proceso normal de aprender un "
                "idioma nuevo, a tiempo para poder ayudar."
            ),
        },
        "zh_Hans": {
            "title": "及早筛查新移民儿童的学习障碍",
            "description": (
                "通过筛查分辨孩子是有学习障碍，还是只是在学习一门新语言，并及早发现，以便及时提供帮助。"
            ),
        },
    },
    "recommendation:EM-1": {
        "fr": {
            "title": (
                "Faire connaître les ressources pour employeurs par le conseil pour l’emploi des immigrants"
            ),
            "description": (
                "Joindre les petits et moyens employeurs avec des guides d’embauche, des programmes de "
                "mentorat et des subventions salariales."
            ),
        },
        "ar": {
            "title": "التعريف بموارد أصحاب العمل عبر مجلس توظيف المهاجرين",
            "description": (
                "الوصول إلى الشركات الصغيرة والمتوسطة بأدلّة التوظيف وبرامج الإرشاد المهني وإعانات الأجور."
            ),
        },
        "es": {
            "title": "Promover recursos para empleadores a través del consejo de empleo para inmigrantes",
            "description": (
                "Llegar a pequeñas y medianas empresas con guías de contratación, programas de mentoría y "
                "subsidios salariales."
            ),
        },
        "zh_Hans": {
            "title": "通过移民就业委员会向雇主推广相关资源",
            "description": "通过招聘指南、导师计划和工资补贴，联系中小型雇主。",
        },
    },
    "recommendation:EM-2": {
        "fr": {
            "title": "Une liste des clés du succès pour les chercheurs d’emploi",
            "description": (
                "Une liste de vérification en langage clair : titres de compétences, CV canadien, "
                "références, réseautage, culture du milieu de travail."
            ),
        },
        "ar": {
            "title": "قائمة «مفاتيح النجاح» للباحثين عن عمل",
            "description": (
                "قائمة تحقّق بلغة بسيطة: المؤهلات والشهادات، والسيرة الذاتية على الطريقة الكندية، والمراجع، "
                "وبناء العلاقات المهنية، وثقافة مكان العمل."
            ),
        },
        "es": {
            "title": "Una lista de claves para el éxito para quienes buscan empleo",
            "description": (
                "Una lista de verificación en lenguaje sencillo: títulos y credenciales, currículum "
                "canadiense, referencias, redes de contactos y cultura laboral."
            ),
        },
        "zh_Hans": {
            "title": "求职者“成功秘诀”清单",
            "description": "一份通俗易懂的清单：学历和资格认证、加拿大式简历、推荐人、建立人脉、职场文化。",
        },
    },
    "recommendation:EM-3": {
        "fr": {
            "title": "Mentorat par les pairs pour les chercheurs d’emploi immigrants",
            "description": (
                "Jumeler des chercheurs d’emploi avec des personnes immigrantes qui travaillent dans leur "
                "domaine à London et dans le comté de Middlesex."
            ),
        },
        "ar": {
            "title": "إرشاد الأقران للباحثين عن عمل من المهاجرين",
            "description": "ربط الباحثين عن عمل بمهاجرين يعملون في مجال تخصّصهم في لندن وميدلسكس.",
        },
        "es": {
            "title": "Mentoría entre pares para personas inmigrantes que buscan empleo",
            "description": (
                "Poner en contacto a quienes buscan empleo con personas inmigrantes que trabajan en su área "
                "en London y Middlesex."
            ),
        },
        "zh_Hans": {
            "title": "为移民求职者提供同伴导师",
            "description": "为求职者匹配在伦敦和米德尔塞克斯县、在同一领域工作的移民。",
        },
    },
    "recommendation:EM-4": {
        "fr": {
            "title": "Un processus d’évaluation commun entre les services d’emploi",
            "description": (
                "L’accueil commun du conseil du secteur de l’emploi, pour qu’un chercheur d’emploi n’ait à "
                "raconter son histoire qu’une seule fois."
            ),
        },
        "ar": {
            "title": "عملية تقييم مشتركة بين خدمات التوظيف",
            "description": (
                "استقبال موحَّد يديره مجلس قطاع التوظيف (Employment Sector Council)، لكي يروي الباحث عن عمل "
                "قصته مرة واحدة فقط."
            ),
        },
        "es": {
            "title": "Un proceso de evaluación común en todos los servicios de empleo",
            "description": (
                "La admisión compartida del Consejo del Sector de Empleo (Employment Sector Council), para "
                "que quien busca empleo cuente su historia una sola vez."
            ),
        },
        "zh_Hans": {
            "title": "各就业服务机构共用的统一评估流程",
            "description": (
                "就业行业理事会（Employment Sector Council）的统一登记流程，让求职者只需讲一次自己的情况。"
            ),
        },
    },
    "recommendation:HW-1": {
        "fr": {
            "title": (
                "Formation à la sensibilité culturelle pour les intervenants en santé et en services sociaux"
            ),
            "description": (
                "Une formation, y compris sur l’antiracisme, pour les personnes qui servent les nouveaux "
                "arrivants dans les services de santé et les services sociaux."
            ),
        },
        "ar": {
            "title": "تدريب على مراعاة الفروق الثقافية لمقدّمي الخدمات الصحية والاجتماعية",
            "description": (
                "تدريب، يشمل التوعية بمناهضة العنصرية، للأشخاص الذين يخدمون القادمين الجدد في الخدمات الصحية "
                "والاجتماعية."
            ),
        },
        "es": {
            "title": (
                "Capacitación en sensibilidad cultural para quienes prestan servicios de salud y sociales"
            ),
            "description": (
                "Capacitación, que incluye educación antirracista, para las personas que atienden a recién "
                "llegados en los servicios de salud y sociales."
            ),
        },
        "zh_Hans": {
            "title": "为医疗和社会服务人员提供文化敏感性培训",
            "description": "为在医疗和社会服务领域服务新移民的人员提供培训，其中包括反种族主义教育。",
        },
    },
    "recommendation:HW-2": {
        "fr": {
            "title": (
                "Des soutiens globaux pour la santé mentale et le bien-être des personnes nouvellement "
                "arrivées"
            ),
            "description": (
                "Soins personnels, soutien par les pairs et counseling culturellement sécuritaire pour les "
                "personnes qui vivent le stress de s’installer dans un nouveau pays."
            ),
        },
        "ar": {
            "title": "دعم شامل للصحة النفسية والرفاه لدى القادمين الجدد",
            "description": (
                "العناية بالنفس، ودعم الأقران، وإرشاد نفسي يحترم ثقافة الشخص ويشعره بالأمان، لمن يعيشون ضغوط "
                "الاستقرار في بلد جديد."
            ),
        },
        "es": {
            "title": "Apoyos integrales para la salud mental y el bienestar de las personas recién llegadas",
            "description": (
                "Autocuidado, apoyo entre pares y consejería culturalmente segura para quienes viven el "
                "estrés de establecerse en un país nuevo."
            ),
        },
        "zh_Hans": {
            "title": "全面支持新移民的心理健康与福祉",
            "description": (
                "为在新国家安顿生活、承受压力的人提供自我关怀、同伴支持，以及尊重其文化、让人安心的心理咨询。"
            ),
        },
    },
    "recommendation:HW-3": {
        "fr": {
            "title": "Sensibiliser les intervenants au parcours des personnes nouvellement arrivées",
            "description": (
                "Aider les intervenants à comprendre le parcours des personnes immigrantes et réfugiées "
                "jusqu’au Canada, et ce qu’elles portent avec elles."
            ),
        },
        "ar": {
            "title": "توعية مقدّمي الخدمات برحلات القادمين الجدد",
            "description": (
                "مساعدة مقدّمي الخدمات على فهم رحلات المهاجرين واللاجئين إلى كندا، وما يحملونه معهم من تجارب."
            ),
        },
        "es": {
            "title": (
                "Formación para quienes prestan servicios sobre el camino de las personas recién llegadas"
            ),
            "description": (
                "Ayudar a quienes prestan servicios a comprender el camino de las personas inmigrantes y "
                "refugiadas hasta Canadá, y lo que traen consigo."
            ),
        },
        "zh_Hans": {
            "title": "帮助服务提供者了解新移民的经历",
            "description": "帮助服务提供者了解移民和难民来到加拿大的历程，以及这段经历在他们身上留下的影响。",
        },
    },
    "recommendation:IC-1": {
        "fr": {
            "title": (
                "Des événements de quartier qui rassemblent nouveaux arrivants et résidents de longue date"
            ),
            "description": (
                "Repas-partage, promenades et fêtes dans tous les coins de London et du comté de Middlesex."
            ),
        },
        "ar": {
            "title": "فعاليات في الأحياء تجمع القادمين الجدد والسكان المقيمين منذ زمن طويل",
            "description": (
                "وجبات جماعية يُحضر فيها كل شخص طبقًا، ونزهات مشي، ومهرجانات في كل أنحاء لندن وميدلسكس."
            ),
        },
        "es": {
            "title": (
                "Eventos en el vecindario que reúnen a personas recién llegadas y a quienes viven aquí desde "
                "hace tiempo"
            ),
            "description": (
                "Comidas compartidas, caminatas y festivales en todos los rincones de London y Middlesex."
            ),
        },
        "zh_Hans": {
            "title": "举办邻里活动，让新移民和老居民相聚",
            "description": "在伦敦和米德尔塞克斯县各地举办百家宴（每人带一道菜）、散步和节庆活动。",
        },
    },
    "recommendation:IC-2": {
        "fr": {
            "title": "Des personnes nouvellement arrivées dans les conseils, les comités et la vie civique",
            "description": (
                "Des séances d’information sur le vote, les comités municipaux et le bénévolat au sein de "
                "conseils d’administration."
            ),
        },
        "ar": {
            "title": "القادمون الجدد في مجالس الإدارة واللجان والحياة المدنية",
            "description": "جلسات توعية عن التصويت، واللجان البلدية، والتطوّع في مجالس الإدارة.",
        },
        "es": {
            "title": "Personas recién llegadas en juntas directivas, comités y la vida cívica",
            "description": (
                "Sesiones informativas sobre el voto, los comités municipales y el voluntariado en juntas "
                "directivas."
            ),
        },
        "zh_Hans": {
            "title": "让新移民加入理事会和委员会，参与公共生活",
            "description": "举办信息讲座，介绍投票、市政委员会，以及如何在理事会担任志愿者。",
        },
    },
    "recommendation:JP-1": {
        "fr": {
            "title": "Information sur le logement, le rôle parental et la maltraitance des aînés",
            "description": (
                "Des séances en plusieurs langues sur les droits des locataires, le rôle de parent au Canada "
                "et la façon de reconnaître la maltraitance des aînés."
            ),
        },
        "ar": {
            "title": "التوعية بشؤون السكن وتربية الأبناء وإساءة معاملة كبار السن",
            "description": (
                "جلسات بعدّة لغات عن حقوق المستأجرين، وتربية الأبناء في كندا، وكيفية التعرّف على إساءة "
                "معاملة كبار السن."
            ),
        },
        "es": {
            "title": "Información sobre vivienda, crianza y maltrato a personas mayores",
            "description": (
                "Sesiones en varios idiomas sobre los derechos de los inquilinos, la crianza en Canadá y "
                "cómo reconocer el maltrato a personas mayores."
            ),
        },
        "zh_Hans": {
            "title": "住房、育儿和虐待老人问题的宣传教育",
            "description": (
                "用多种语言举办讲座，介绍租户的权利、在加拿大养育孩子，以及如何识别虐待老人的行为。"
            ),
        },
    },
    "recommendation:JP-2": {
        "fr": {
            "title": "Des outils pour accéder aux services de justice et de protection",
            "description": (
                "Des guides multilingues sur la police, les cliniques juridiques, les services aux victimes "
                "et la protection de l’enfance."
            ),
        },
        "ar": {
            "title": "أدوات للوصول إلى خدمات العدالة والحماية",
            "description": (
                "أدلّة بعدّة لغات عن الشرطة، والعيادات القانونية، وخدمات دعم الضحايا، وحماية الطفل."
            ),
        },
        "es": {
            "title": "Herramientas para acceder a los servicios de justicia y protección",
            "description": (
                "Guías en varios idiomas sobre la policía, las clínicas legales, los servicios para víctimas "
                "y la protección infantil."
            ),
        },
        "zh_Hans": {
            "title": "帮助获得司法和保护服务的工具",
            "description": "多语种指南，介绍警察、法律援助诊所、受害者服务和儿童保护服务。",
        },
    },
    "recommendation:JP-3": {
        "fr": {
            "title": (
                "Formation des intervenants sur la situation juridique des personnes nouvellement arrivées"
            ),
            "description": (
                "Statut d’immigration, parrainage et droit de la famille, pour le personnel de première "
                "ligne."
            ),
        },
        "ar": {
            "title": "توعية مقدّمي الخدمات بالأوضاع القانونية للقادمين الجدد",
            "description": "وضع الهجرة، والكفالة، وقانون الأسرة، للعاملين الذين يتعاملون مباشرة مع الناس.",
        },
        "es": {
            "title": (
                "Formación para quienes prestan servicios sobre la situación legal de las personas recién "
                "llegadas"
            ),
            "description": (
                "Estatus migratorio, patrocinio y derecho de familia, para el personal de primera línea."
            ),
        },
        "zh_Hans": {
            "title": "帮助服务提供者了解新移民的法律处境",
            "description": "面向一线工作人员，讲解移民身份、担保移民和家庭法。",
        },
    },
    "recommendation:SE-1": {
        "fr": {
            "title": "Des soutiens à l’établissement globaux et coordonnés",
            "description": (
                "Des intervenants en établissement, en logement, en santé et en emploi qui travaillent "
                "ensemble et dirigent les personnes vers le bon service, au lieu de les faire tourner en "
                "rond."
            ),
        },
        "ar": {
            "title": "دعم شامل ومنسَّق للاستقرار",
            "description": (
                "عاملون في الاستقرار والسكن والصحة والتوظيف يحيل بعضهم الناس إلى بعض، بدلًا من أن يتركوهم "
                "يدورون في حلقة مفرغة."
            ),
        },
        "es": {
            "title": "Apoyos de asentamiento integrales y coordinados",
            "description": (
                "Trabajadores de asentamiento, vivienda, salud y empleo que se derivan las personas entre "
                "sí, en lugar de mandarlas de un lado a otro."
            ),
        },
        "zh_Hans": {
            "title": "全面、协调的安置支持",
            "description": "安置、住房、医疗和就业工作人员相互转介，而不是让人来回奔波、兜圈子。",
        },
    },
    "recommendation:SE-2": {
        "fr": {
            "title": "Une information claire sur les services d’établissement",
            "description": (
                "Une seule carte des services de London et du comté de Middlesex, dans les langues que "
                "parlent les personnes nouvellement arrivées."
            ),
        },
        "ar": {
            "title": "معلومات واضحة عن أماكن الحصول على خدمات الاستقرار",
            "description": "خريطة واحدة للخدمات في لندن وميدلسكس، باللغات التي يتحدّثها القادمون الجدد.",
        },
        "es": {
            "title": "Información clara sobre dónde encontrar servicios de asentamiento",
            "description": (
                "Un solo mapa de los servicios en London y Middlesex, en los idiomas que hablan las personas "
                "recién llegadas."
            ),
        },
        "zh_Hans": {
            "title": "清楚说明在哪里可以找到安置服务",
            "description": "一张涵盖伦敦和米德尔塞克斯县各项服务的地图，并提供新移民使用的各种语言版本。",
        },
    },
    "venue:central-library": {
        "fr": {
            "accessibility_notes": (
                "Entrée sans marche par la rue Dundas ; ascenseur vers tous les étages ; toilettes "
                "accessibles à chaque étage."
            ),
        },
        "ar": {
            "accessibility_notes": (
                "مدخل بلا درجات من شارع داندس (Dundas Street)؛ مصعد إلى جميع الطوابق؛ دورات مياه مهيّأة لذوي "
                "الإعاقة في كل طابق."
            ),
        },
        "es": {
            "accessibility_notes": (
                "Entrada sin escalones por Dundas Street; ascensor a todos los pisos; baños accesibles en "
                "cada piso."
            ),
        },
        "zh_Hans": {
            "accessibility_notes": (
                "邓达斯街（Dundas Street）一侧入口无台阶；电梯可到达各楼层；每层都有无障碍洗手间。"
            ),
        },
    },
    "venue:cross-cultural-learner-centre": {
        "fr": {
            "accessibility_notes": "Rampe à l’entrée principale ; toilettes accessibles au rez-de-chaussée.",
        },
        "ar": {
            "accessibility_notes": (
                "منحدر عند المدخل الأمامي؛ دورة مياه مهيّأة لذوي الإعاقة في الطابق الرئيسي."
            ),
        },
        "es": {
            "accessibility_notes": "Rampa en la entrada principal; baño accesible en la planta principal.",
        },
        "zh_Hans": {
            "accessibility_notes": "正门设有坡道；主楼层有无障碍洗手间。",
        },
    },
    "venue:carling-heights": {
        "fr": {
            "accessibility_notes": (
                "Aucune marche dans tout le bâtiment ; stationnement gratuit avec places accessibles près de "
                "la porte."
            ),
        },
        "ar": {
            "accessibility_notes": (
                "لا توجد درجات في أي مكان من المبنى؛ موقف سيارات مجاني فيه أماكن مخصّصة لذوي الإعاقة قرب "
                "الباب."
            ),
        },
        "es": {
            "accessibility_notes": (
                "Sin escalones en todo el edificio; estacionamiento gratuito con espacios accesibles junto a "
                "la puerta."
            ),
        },
        "zh_Hans": {
            "accessibility_notes": "整个场地无台阶；免费停车场，门口附近设有无障碍车位。",
        },
    },
    "venue:east-lions": {
        "fr": {
            "accessibility_notes": "Entrée sans marche ; salle calme disponible sur demande.",
        },
        "ar": {
            "accessibility_notes": "مدخل بلا درجات؛ غرفة هادئة متاحة عند الطلب.",
        },
        "es": {
            "accessibility_notes": "Entrada sin escalones; sala tranquila disponible si la solicita.",
        },
        "zh_Hans": {
            "accessibility_notes": "入口无台阶；如有需要，可提供安静的房间。",
        },
    },
    "venue:strathroy-library": {
        "fr": {
            "accessibility_notes": (
                "Entrée sans marche et toilettes accessibles ; boucle magnétique pour appareils auditifs "
                "dans la salle d’activités."
            ),
        },
        "ar": {
            "accessibility_notes": (
                "مدخل بلا درجات ودورة مياه مهيّأة لذوي الإعاقة؛ نظام حلقة سمعية (لمستخدمي السماعات الطبية) "
                "في قاعة البرامج."
            ),
        },
        "es": {
            "accessibility_notes": (
                "Entrada sin escalones y baño accesible; bucle magnético para audífonos en la sala de "
                "programas."
            ),
        },
        "zh_Hans": {
            "accessibility_notes": (
                "入口无台阶，设有无障碍洗手间；活动室装有助听感应线圈（供佩戴助听器的人士使用）。"
            ),
        },
    },
    "venue:crouch-library": {
        "fr": {
            "accessibility_notes": "Entrée sans marche ; toilettes accessibles.",
        },
        "ar": {
            "accessibility_notes": "مدخل بلا درجات؛ دورة مياه مهيّأة لذوي الإعاقة.",
        },
        "es": {
            "accessibility_notes": "Entrada sin escalones; baño accesible.",
        },
        "zh_Hans": {
            "accessibility_notes": "入口无台阶；设有无障碍洗手间。",
        },
    },
    "event:community-meeting": {
        "fr": {
            "title": "Rencontre communautaire du 7 mars",
            "summary": (
                "Quatre ateliers qui donnent suite aux recommandations des sous-conseils Santé et bien-être "
                "et Emploi. Dîner offert."
            ),
            "description": (
                "La rencontre communautaire du partenariat réunit résidents, personnes nouvellement arrivées "
                "et fournisseurs de services.\n\n"
                "* **Matin :** choisissez *Processus d’évaluation commun* ou *Parcours vers le Canada*.\n"
                "* **Après-midi :** choisissez *Respirer – prendre soin de soi en période de stress* ou "
                "*Bâtir des ponts : l’antiracisme 101*.\n\n"
                "Le dîner est servi entre les deux séries d’ateliers."
            ),
            "accessibility_notes": "Des places sont réservées à l’avant pour les personnes malentendantes.",
            "interpretation_notes": (
                "Interprétation en arabe et en français offerte sur demande lors de l’inscription."
            ),
            "childcare_notes": (
                "Garde d’enfants gratuite sur place pour les enfants de 2 à 10 ans ; prévenez-nous lors de "
                "votre inscription."
            ),
        },
        "ar": {
            "title": "الاجتماع المجتمعي في 7 مارس",
            "summary": (
                "أربع ورش عمل تعمل على تنفيذ توصيات المجلسين الفرعيين للصحة والرفاه وللتوظيف. نقدّم وجبة "
                "الغداء."
            ),
            "description": (
                "يجمع الاجتماع المجتمعي للشراكة السكانَ والقادمين الجدد ومقدّمي الخدمات.\n\n"
                "* **الصباح:** اختر ورشة *عملية التقييم المشتركة* أو *رحلات إلى كندا*.\n"
                "* **بعد الظهر:** اختر ورشة *التنفّس – العناية بالنفس في أوقات الضغط* أو *بناء الجسور: مدخل "
                "إلى مناهضة العنصرية*.\n\n"
                "يُقدَّم الغداء بين فترتَي ورش العمل."
            ),
            "accessibility_notes": "مقاعد محجوزة في الأمام للأشخاص ضعاف السمع.",
            "interpretation_notes": "الترجمة الفورية إلى العربية والفرنسية متاحة إذا طلبتها عند التسجيل.",
            "childcare_notes": (
                "رعاية مجانية للأطفال في المكان نفسه، للأعمار من سنتين إلى 10 سنوات؛ يُرجى إخبارنا عند "
                "التسجيل."
            ),
        },
        "es": {
            "title": "Reunión comunitaria del 7 de marzo",
            "summary": (
                "Cuatro talleres que ponen en práctica recomendaciones de los subconsejos de Salud y "
                "bienestar y de Empleo. Incluye almuerzo."
            ),
            "description": (
                "La reunión comunitaria de la Alianza reúne a residentes, personas recién llegadas y "
                "proveedores de servicios.\n\n"
                "* **Mañana:** elija *Proceso de evaluación común* o *Caminos hacia Canadá*.\n"
                "* **Tarde:** elija *Respirar – autocuidado en tiempos de estrés* o *Tendiendo puentes: "
                "introducción al antirracismo*.\n\n"
                "El almuerzo se sirve entre los dos bloques de talleres."
            ),
            "accessibility_notes": "Asientos reservados adelante para personas con dificultades auditivas.",
            "interpretation_notes": (
                "Interpretación al árabe y al francés disponible si la solicita al inscribirse."
            ),
            "childcare_notes": (
                "Cuidado de niños gratuito en el lugar para niñas y niños de 2 a 10 años; avísenos al "
                "inscribirse."
            ),
        },
        "zh_Hans": {
            "title": "3月7日社区会议",
            "summary": "四个工作坊，落实健康与福祉分委员会和就业分委员会提出的建议。提供午餐。",
            "description": (
                "本合作组织的社区会议把居民、新移民和服务提供者聚在一起。\n\n"
                "* **上午**：在*统一评估流程*和*来到加拿大的旅程*中任选一个。\n"
                "* **下午**：在*呼吸——压力时期的自我关怀*和*搭建桥梁：反种族主义入门*中任选一个。\n\n"
                "两场工作坊之间提供午餐。"
            ),
            "accessibility_notes": "前排为听力不佳的人士预留座位。",
            "interpretation_notes": "如需阿拉伯语或法语口译，请在报名时提出。",
            "childcare_notes": "现场提供免费托儿服务，适合2至10岁的儿童；请在报名时告诉我们。",
        },
    },
    "event:common-assessment-process": {
        "fr": {
            "title": "Processus d’évaluation commun",
            "summary": (
                "Comment fonctionne le processus d’accueil commun du conseil du secteur de l’emploi, et ce "
                "qu’il change pour les chercheurs d’emploi."
            ),
        },
        "ar": {
            "title": "عملية التقييم المشتركة",
            "summary": (
                "كيف تعمل عملية الاستقبال الموحَّدة لدى مجلس قطاع التوظيف (Employment Sector Council)، وماذا "
                "تعني للباحثين عن عمل."
            ),
        },
        "es": {
            "title": "Proceso de evaluación común",
            "summary": (
                "Cómo funciona el proceso de admisión compartido del Consejo del Sector de Empleo "
                "(Employment Sector Council) y qué significa para quienes buscan empleo."
            ),
        },
        "zh_Hans": {
            "title": "统一评估流程",
            "summary": (
                "介绍就业行业理事会（Employment Sector Council）的统一登记流程如何运作，"
                "以及它对求职者意味着什么。"
            ),
        },
    },
    "event:journeys-to-canada": {
        "fr": {
            "title": "Parcours vers le Canada",
            "summary": (
                "Des personnes nouvellement arrivées et réfugiées racontent le parcours qui les a menées à "
                "London et dans le comté de Middlesex."
            ),
        },
        "ar": {
            "title": "رحلات إلى كندا",
            "summary": "قادمون جدد ولاجئون يروون قصص الرحلات التي أوصلتهم إلى لندن وميدلسكس.",
        },
        "es": {
            "title": "Caminos hacia Canadá",
            "summary": (
                "Personas recién llegadas y refugiadas comparten los caminos que las trajeron a London y "
                "Middlesex."
            ),
        },
        "zh_Hans": {
            "title": "来到加拿大的旅程",
            "summary": "新移民和难民讲述他们来到伦敦和米德尔塞克斯县的经历。",
        },
    },
    "event:breath-self-care": {
        "fr": {
            "title": "Respirer – prendre soin de soi en période de stress",
            "summary": (
                "Des exercices de respiration et d’ancrage à la portée de tous quand l’installation devient "
                "trop lourde."
            ),
        },
        "ar": {
            "title": "التنفّس – العناية بالنفس في أوقات الضغط",
            "summary": (
                "تمارين بسيطة للتنفّس والتهدئة يستطيع أي شخص أن يستخدمها حين يصبح الاستقرار في بلد جديد "
                "مرهقًا."
            ),
        },
        "es": {
            "title": "Respirar – autocuidado en tiempos de estrés",
            "summary": (
                "Ejercicios de respiración y de conexión con el presente que cualquiera puede usar cuando "
                "adaptarse a un lugar nuevo se vuelve abrumador."
            ),
        },
        "zh_Hans": {
            "title": "呼吸——压力时期的自我关怀",
            "summary": "简单的呼吸和稳定情绪练习，人人都能做，在安顿新生活感到不堪重负时帮助您。",
        },
    },
    "event:building-bridges-anti-racism-101": {
        "fr": {
            "title": "Bâtir des ponts : l’antiracisme 101",
            "summary": (
                "À quoi ressemble le racisme dans les services de tous les jours, et ce que chacun peut "
                "faire."
            ),
        },
        "ar": {
            "title": "بناء الجسور: مدخل إلى مناهضة العنصرية",
            "summary": "كيف تظهر العنصرية في الخدمات اليومية، وما الذي يستطيع كل واحد منا أن يفعله حيالها.",
        },
        "es": {
            "title": "Tendiendo puentes: introducción al antirracismo",
            "summary": (
                "Cómo se manifiesta el racismo en los servicios de todos los días y qué podemos hacer cada "
                "uno al respecto."
            ),
        },
        "zh_Hans": {
            "title": "搭建桥梁：反种族主义入门",
            "summary": "种族主义在日常服务中是什么样子，以及我们每个人可以做些什么。",
        },
    },
    "event:council-meeting": {
        "fr": {
            "title": "Réunion du sous-conseil {council}",
            "summary": "Réunion mensuelle du sous-conseil. Le public est invité à y assister.",
        },
        "ar": {
            "title": "اجتماع المجلس الفرعي: {council}",
            "summary": "الاجتماع الشهري للمجلس الفرعي. يُرحَّب بحضور عامة الناس للاستماع والمتابعة.",
        },
        "es": {
            "title": "Reunión del subconsejo de {council}",
            "summary": "Reunión mensual del subconsejo. Cualquier persona puede asistir como observadora.",
        },
        "zh_Hans": {
            "title": "{council}分委员会会议",
            "summary": "分委员会每月例会，欢迎公众旁听。",
        },
    },
    "event:welcome-potluck-east-london": {
        "fr": {
            "title": "Repas-partage de bienvenue dans l’est de London",
            "summary": (
                "Apportez un plat de chez vous et rencontrez vos voisins. Les familles sont les bienvenues."
            ),
        },
        "ar": {
            "title": "وجبة ترحيب جماعية في شرق لندن",
            "summary": "أحضِر طبقًا من بيتك وتعرّف على جيرانك. العائلات مرحَّب بها.",
        },
        "es": {
            "title": "Comida compartida de bienvenida en el este de London",
            "summary": "Traiga un plato de su casa y conozca a sus vecinos. Las familias son bienvenidas.",
        },
        "zh_Hans": {
            "title": "伦敦东区欢迎百家宴",
            "summary": "带上一道家常菜，来认识您的邻居。欢迎全家一起参加。",
        },
    },
    "event:tenant-rights-info-session": {
        "fr": {
            "title": "Connaître ses droits de locataire",
            "summary": (
                "Baux, augmentations de loyer et réparations expliqués par une clinique juridique "
                "communautaire."
            ),
        },
        "ar": {
            "title": "اعرف حقوقك كمستأجر",
            "summary": "عيادة قانونية مجتمعية تشرح عقود الإيجار، وزيادات الإيجار، والإصلاحات.",
        },
        "es": {
            "title": "Conozca sus derechos como inquilino",
            "summary": (
                "Una clínica legal comunitaria explica los contratos de alquiler, los aumentos de renta y "
                "las reparaciones."
            ),
        },
        "zh_Hans": {
            "title": "了解您作为租户的权利",
            "summary": "由社区法律援助诊所讲解租约、涨租和维修问题。",
        },
    },
    "event:strathroy-newcomer-coffee": {
        "fr": {
            "title": "Café-rencontre des nouveaux arrivants à Strathroy",
            "summary": (
                "Café, pratique de la conversation et information sur les services du comté de Middlesex."
            ),
        },
        "ar": {
            "title": "لقاء قهوة صباحي للقادمين الجدد في ستراثروي (Strathroy)",
            "summary": "قهوة، وتدرّب على المحادثة بالإنجليزية، ومعلومات عن الخدمات في مقاطعة ميدلسكس.",
        },
        "es": {
            "title": "Café matutino para personas recién llegadas en Strathroy",
            "summary": (
                "Café, práctica de conversación e información sobre los servicios del condado de Middlesex."
            ),
        },
        "zh_Hans": {
            "title": "斯特拉思罗伊（Strathroy）新移民咖啡早会",
            "summary": "喝咖啡、练习英语会话，并了解米德尔塞克斯县的各项服务。",
        },
    },
    "event:parenting-in-canada": {
        "fr": {
            "title": "Être parent au Canada : une conversation",
            "summary": (
                "École, discipline et protection de l’enfance : des parents qui sont passés par là répondent "
                "à vos questions."
            ),
        },
        "ar": {
            "title": "تربية الأبناء في كندا: حوار مفتوح",
            "summary": "المدارس، والتأديب، وحماية الطفل: آباء وأمهات مرّوا بالتجربة نفسها يجيبون عن أسئلتك.",
        },
        "es": {
            "title": "Criar en Canadá: una conversación",
            "summary": (
                "Escuelas, disciplina y protección infantil: madres y padres que ya pasaron por lo mismo "
                "responden sus preguntas."
            ),
        },
        "zh_Hans": {
            "title": "在加拿大养育孩子：交流会",
            "summary": "学校、管教和儿童保护：由有过亲身经历的家长解答您的问题。",
        },
    },
    "event:esl-options-open-house": {
        "fr": {
            "title": "Portes ouvertes : les cours d’anglais langue seconde",
            "summary": (
                "Cours d’anglais le soir, la fin de semaine et en ligne réunis dans une même salle : trouvez "
                "celui qui convient à votre semaine."
            ),
        },
        "ar": {
            "title": "يوم مفتوح: خيارات دروس الإنجليزية لغةً ثانية (ESL)",
            "summary": (
                "دروس الإنجليزية المسائية وفي عطلة نهاية الأسبوع وعبر الإنترنت، كلها في قاعة واحدة: اختر ما "
                "يناسب أسبوعك."
            ),
        },
        "es": {
            "title": "Puertas abiertas: opciones de inglés como segundo idioma (ESL)",
            "summary": (
                "Clases de inglés por la noche, los fines de semana y en línea, todas en un mismo salón: "
                "encuentre la que mejor se ajuste a su semana."
            ),
        },
        "zh_Hans": {
            "title": "英语作为第二语言（ESL）课程开放日",
            "summary": "晚间、周末和网上英语课程齐聚一堂：找到最适合您日程安排的那一门。",
        },
    },
    "event:job-seekers-peer-mentoring-kickoff": {
        "fr": {
            "title": "Mentorat par les pairs pour chercheurs d’emploi : lancement",
            "summary": "Rencontrez des mentors qui ont trouvé un emploi dans leur domaine.",
        },
        "ar": {
            "title": "إرشاد الأقران للباحثين عن عمل: لقاء الانطلاق",
            "summary": "تعرّف على مرشدين وجدوا عملًا في مجال تخصّصهم.",
        },
        "es": {
            "title": "Mentoría entre pares para quienes buscan empleo: lanzamiento",
            "summary": "Conozca a mentores que encontraron trabajo en su área.",
        },
        "zh_Hans": {
            "title": "求职者同伴导师计划启动会",
            "summary": "认识在自己专业领域找到工作的导师。",
        },
    },
    "event:fall-harvest-festival": {
        "fr": {
            "title": "Fête de quartier des récoltes d’automne",
            "summary": "Musique, nourriture et jeux pour toute la famille.",
        },
        "ar": {
            "title": "مهرجان الحي لحصاد الخريف",
            "summary": "موسيقى وطعام وألعاب لكل أفراد العائلة.",
        },
        "es": {
            "title": "Festival vecinal de la cosecha de otoño",
            "summary": "Música, comida y juegos para toda la familia.",
        },
        "zh_Hans": {
            "title": "秋季丰收邻里节",
            "summary": "音乐、美食和游戏，适合全家参加。",
        },
    },
    "event:elder-abuse-awareness": {
        "fr": {
            "title": "Reconnaître la maltraitance des aînés",
            "summary": "Une séance d’information pour les familles et les proches aidants.",
        },
        "ar": {
            "title": "التعرّف على إساءة معاملة كبار السن",
            "summary": "جلسة توعية للعائلات ولمن يعتنون بكبار السن.",
        },
        "es": {
            "title": "Cómo reconocer el maltrato a personas mayores",
            "summary": "Una sesión informativa para familias y personas cuidadoras.",
        },
        "zh_Hans": {
            "title": "识别虐待老人的行为",
            "summary": "面向家庭成员和照护者的信息讲座。",
        },
    },
}
