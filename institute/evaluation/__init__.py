"""End-of-session evaluation: an admin's questionnaire, answered once and anonymously by
each fellow, its report, and the institute-wide report for funders."""
