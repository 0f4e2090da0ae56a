"""Pages and actions of the web application, one module per area."""
