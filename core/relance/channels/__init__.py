"""Built-in channel plugins, registered through the ``relance`` entry-point group like any
third party's: ``email`` (SMTP) and ``outbox`` (one file per message, no server needed)."""
