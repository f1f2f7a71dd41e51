"""Police figures: offence codes, periods, count cells and areas shared by the police readers."""
