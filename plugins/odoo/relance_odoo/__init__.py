"""relance connector: odoo."""
