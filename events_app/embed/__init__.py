"""The events list other sites embed in an iframe (`/embed/events`), and `/share`, which writes its snippet."""
