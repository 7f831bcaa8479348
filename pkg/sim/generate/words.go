package generate

var (
	firstNames = []string{"Ana", "Ben", "Chloé", "Dev", "Elif", "Farah", "Goran", "Hana", "Ivo", "Jana", "Kofi", "Lena", "Marta", "Nils", "Olu", "Priya", "Quinn", "Rui", "Sofia", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoltán"}
	lastNames  = []string{"Andersen", "Brown", "Castillo", "Dubois", "Eriksson", "Fischer", "García", "Hughes", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Müller", "Nakamura", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Urban", "Virtanen", "Wójcik", "Yilmaz", "Zhang"}
	areas      = []string{"Finance", "Sales", "Marketing", "HR", "Operations", "Supply Chain", "EMEA", "APAC", "Americas", "Procurement", "Legal", "IT", "R&D", "Customer Success"}
	teams      = []string{"Analysts", "Admins", "Developers", "Viewers", "Leads", "Contractors", "Auditors"}
	topics     = []string{"Revenue", "Pipeline", "Headcount", "Inventory", "Churn", "Margin", "Forecast", "Budget", "Logistics", "Campaigns", "Payroll", "Tickets", "Orders", "Returns"}
	measures   = []string{"Rate", "Total", "Ratio", "Index", "Count", "Average", "Variance", "Share"}
	sources    = []string{"Snowflake", "Postgres", "SAP", "Salesforce", "REST", "SharePoint", "S3", "BigQuery"}
	verbs      = []string{"Reload", "Notify", "Sync", "Distribute", "Archive", "Refresh", "Export", "Alert"}
	blockTypes = []string{"StartBlock", "ReloadAppBlock", "SendMailBlock", "IfBlock", "ForEachBlock", "HttpBlock", "SlackBlock"}
	longTails  = []string{"(migrated from the on-premise site, see the runbook)", "owned by the regional controlling team", "DO NOT DELETE - used by the board pack",
		"refreshed nightly after the ERP close", "Q3 restatement & consolidated forecasts", "legacy, kept for the 2019–2024 audit trail", "[pilot]"}
)
