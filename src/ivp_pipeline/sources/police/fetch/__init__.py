"""`ivp fetch`: download police tables from the CBS OData v3 service into data/raw/police/."""
