/*
 * finops-report: the French texts of the reports people read (i18n.c),
 * each beside its English form, in English alphabetical order. A new
 * text of a renderer gets its line here (finops-cli fails otherwise).
 */
static const fr_msg fr_catalogue[] = {
	{ "\nNOT ENOUGH DATA (%zu: less than --min-history of usage; no recommendation)\n",
	  "\nDONNÉES INSUFFISANTES (%zu : historique sous --min-history ; sans recommandation)\n" },
	{ "\nRIGHT-SIZING (request->recommended; CPU p%.0f, memory max +%.0f%%; %s per "
	  "month)\n",
	  "\nDIMENSIONNEMENT (demande->recommandé ; CPU p%.0f, mémoire max +%.0f %% ; %s/mois)\n" },
	{ "\nTREND (%s; CPU and RAM allocation by the pricing model; averages)\n",
	  "\nTENDANCE (%s ; allocation CPU et RAM selon le modèle de prix ; moyennes)\n" },
	{ "         (1 %s = %s bytes; month = 30 days = 720 h)\n\n",
	  "      (1 %s = %s octets ; mois = 30 jours = 720 h)\n\n" },
	{ "## Pricing\n\n| Resource | Price |\n|---|---|\n| CPU | %g %s per vCPU-hour |\n| "
	  "RAM | %g %s per %s-hour |\n| Storage | %g %s per %s-month |\n\n1 %s = %s bytes; "
	  "a month is 30 days (720 h).\n\n",
	  "## Prix\n\n| Ressource | Prix |\n|---|---|\n| CPU | %g %s par vCPU-heure |\n| "
	  "RAM | %g %s par %s-heure |\n| Stockage | %g %s par %s-mois |\n\n1 %s = %s "
	  "octets ; un mois compte 30 jours (720 h).\n\n" },
	{ "## Summary\n\n| | |\n|---|---|\n| Cost over the window | %s %s |\n| Cost per "
	  "month | %s %s |\n| Potential savings per month (CPU + memory) | %s %s (%s + %s) "
	  "|\n| Extra cost of raising requests per month (CPU + memory) | %s %s (%s + %s) "
	  "|\n| Efficiency CPU / RAM / total | %s / %s / %s |\n| Pods / containers / at "
	  "risk / no usage data / not enough data | %zu / %zu / %zu / %zu / %zu |\n\n",
	  "## Synthèse\n\n| | |\n|---|---|\n| Coût sur la fenêtre | %s %s |\n| Coût par "
	  "mois | %s %s |\n| Économies possibles par mois (CPU + mémoire) | %s %s (%s + "
	  "%s) |\n| Surcoût des demandes à relever, par mois (CPU + mémoire) | %s %s (%s + "
	  "%s) |\n| Efficacité CPU / RAM / totale | %s / %s / %s |\n| Pods / conteneurs / "
	  "à risque / sans données d'utilisation / données insuffisantes | %zu / %zu / %zu "
	  "/ %zu / %zu |\n\n" },
	{ "## Trend\n\nCPU and RAM allocation priced by the pricing model (%s); requests "
	  "and usage are hourly averages; savings per month.\n\n",
	  "## Tendance\n\nAllocation CPU et RAM valorisée par le modèle de prix (%s) ; "
	  "demandes et utilisation en moyennes horaires ; économies par mois.\n\n" },
	{ "%g %s per vCPU-hour, %g %s per %s-hour of RAM, %g %s per %s-month of storage (1 "
	  "%s = %s bytes; month = 30 days)",
	  "%g %s par vCPU-heure, %g %s par %s-heure de RAM, %g %s par %s-mois de stockage "
	  "(1 %s = %s octets ; mois = 30 jours)" },
	{ "%s%s %s > request %s: %s %s", "%s%s %s > demande %s : %s %s" },
	{ "(all)", "(tout)" },
	{ "- Requests and limits come from kube-state-metrics; usage from cAdvisor "
	  "(`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`), "
	  "CPU percentiles computed by this tool from a range query of the usage rate at "
	  "the resolution step (same interpolation as Prometheus' quantile_over_time), "
	  "memory p50, p95 and maximum by Prometheus over the raw working set of the whole "
	  "window.\n- Recommended request: CPU = %s of usage, memory = maximum working set "
	  "+ %.0f %%, floors %s CPU and %s memory, rounded up to %s and %s. Under an HPA "
	  "the CPU request is divided by the HPA's target utilisation.\n- Cost: %s. Per "
	  "resource, (request - recommended) x price x 720 h x the share of the window the "
	  "container ran is a saving when positive, an extra cost when negative; savings "
	  "and extra costs are never netted.\n- Under-provisioning (usage above request, "
	  "OOM kills, memory near its limit, no request) is a **risk**, never counted as "
	  "good efficiency.\n\n",
	  "- Demandes et limites : kube-state-metrics ; utilisation : cAdvisor "
	  "(`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`). "
	  "Les percentiles CPU sont calculés par cet outil à partir d'une requête par "
	  "plage du débit d'utilisation au pas de résolution (même interpolation que "
	  "quantile_over_time de Prometheus) ; p50, p95 et maximum de la mémoire par "
	  "Prometheus sur l'ensemble de travail brut de toute la fenêtre.\n- Demande "
	  "recommandée : CPU = %s de l'utilisation, mémoire = ensemble de travail maximal "
	  "+ %.0f %%, planchers %s CPU et %s mémoire, arrondis au-dessus à %s et %s. Sous "
	  "un HPA, la demande CPU est divisée par l'utilisation cible du HPA.\n- Coût : "
	  "%s. Par ressource, (demande - recommandé) x prix x 720 h x la part de la "
	  "fenêtre où le conteneur a tourné est une économie si elle est positive, un "
	  "surcoût si elle est négative ; économies et surcoûts ne se compensent "
	  "jamais.\n- Le sous-dimensionnement (utilisation au-dessus de la demande, arrêts "
	  "OOM, mémoire proche de sa limite, aucune demande) est un **risque**, jamais "
	  "compté comme une bonne efficacité.\n\n" },
	{ "... %zu more (--top 0 shows all)\n", "... %zu de plus (--top 0 les montre tous)\n" },
	{ "/MONTH", "/MOIS" },
	{ "APPS", "CAND" },
	{ "Amounts in", "Montants en" },
	{ "Applications", "Candidatures" },
	{ "CHANGE", "ÉVOL" },
	{ "COST", "COÛT" },
	{ "COST PER CONTROLLER", "COÛT PAR CONTRÔLEUR" },
	{ "COST PER LABEL", "COÛT PAR LABEL" },
	{ "COST PER NAMESPACE", "COÛT PAR NAMESPACE" },
	{ "COST PER POD", "COÛT PAR POD" },
	{ "CPU REQ", "DEM CPU" },
	{ "CPU USED", "UTIL CPU" },
	{ "CPU above request", "CPU au-dessus de la demande" },
	{ "CPU and RAM allocation by the pricing model",
	  "allocation CPU et RAM selon le modèle de prix" },
	{ "CPU p95", "CPU p95" },
	{ "CPU recommended", "CPU recommandé" },
	{ "CPU request", "Demande CPU" },
	{ "CPU saving", "Économie CPU" },
	{ "CPU usage", "Utilisation CPU" },
	{ "CPU: request versus p95 usage (cores)", "CPU : demande et utilisation p95 (cœurs)" },
	{ "Change", "Évolution" },
	{ "Container", "Conteneur" },
	{ "Containers / at risk / no usage data / not enough data",
	  "Conteneurs / à risque / sans données d'utilisation / données insuffisantes" },
	{ "Containers: %zu, at risk: %zu, without usage data: %zu, not enough data: %zu\n",
	  "Conteneurs : %zu, à risque : %zu, sans utilisation : %zu, données insuffisantes : %zu\n" },
	{ "Cost", "Coût" },
	{ "Cost over the window", "Coût sur la fenêtre" },
	{ "Cost over the window: %s %s; per month: %s %s\n",
	  "Coût sur la fenêtre : %s %s ; par mois : %s %s\n" },
	{ "Cost per controller", "Coût par contrôleur" },
	{ "Cost per label", "Coût par label" },
	{ "Cost per month", "Coût par mois" },
	{ "Cost per month per controller", "Coût mensuel par contrôleur" },
	{ "Cost per month per label", "Coût mensuel par label" },
	{ "Cost per month per namespace", "Coût mensuel par namespace" },
	{ "Cost per month per pod", "Coût mensuel par pod" },
	{ "Cost per namespace", "Coût par namespace" },
	{ "Cost per pod", "Coût par pod" },
	{ "Daily cost", "Coût quotidien" },
	{ "EFF", "EFF" },
	{ "EXTRA", "SURCOÛT" },
	{ "Efficiency", "Efficacité" },
	{ "Efficiency (usage/request, capped): CPU %s, RAM %s, total %s\n",
	  "Efficacité (utilisation/demande, plafonnée) : CPU %s, RAM %s, totale %s\n" },
	{ "Extra cost", "Surcoût" },
	{ "Extra cost of raising requests per month", "Surcoût des demandes à relever, par mois" },
	{ "Extra cost of raising requests per month: +%s %s (CPU %s, memory %s)\n",
	  "Surcoût des demandes à relever, par mois : +%s %s (CPU %s, mémoire %s)\n" },
	{ "FinOps report", "Rapport FinOps" },
	{ "HPA %s targets %s %.0f%%: request sized so the HPA sees its target at p%.0f load",
	  "le HPA %s vise %s %.0f %% : demande dimensionnée pour que le HPA voie sa cible "
	  "à la charge p%.0f" },
	{ "INCOMPLETE DATA", "DONNÉES INCOMPLÈTES" },
	{ "Incomplete data", "Données incomplètes" },
	{ "Kubecost idle cost: %s %s\n", "Coût inutilisé selon Kubecost : %s %s\n" },
	{ "Kubecost unallocated cost: %s %s\n", "Coût non alloué selon Kubecost : %s %s\n" },
	{ "Kubecost's allocation for each pod it priced; the pricing model prices the "
	  "savings",
	  "l'allocation de Kubecost pour chaque pod qu'il a valorisé ; le modèle de prix "
	  "valorise les économies" },
	{ "MEM REQ", "DEM MÉM" },
	{ "MEM USED", "UTIL MÉM" },
	{ "MEMORY", "MÉMOIRE" },
	{ "Memory max", "Mémoire max" },
	{ "Memory recommended", "Mémoire recommandée" },
	{ "Memory request", "Demande mémoire" },
	{ "Memory saving", "Économie mémoire" },
	{ "Memory usage", "Utilisation mémoire" },
	{ "Memory: request versus max working set",
	  "Mémoire : demande et ensemble de travail maximal" },
	{ "Method", "Méthode" },
	{ "NAMESPACE", "NAMESPACE" },
	{ "NAMESPACE/CONTROLLER", "NAMESPACE/CONTRÔLEUR" },
	{ "NAMESPACE/POD", "NAMESPACE/POD" },
	{ "Namespace", "Namespace" },
	{ "Nodes: allocatable %s %s, reserved %s, idle %s (CPU %s, RAM %s)\n",
	  "Nœuds : allouable %s %s, réservé %s, inutilisé %s (CPU %s, RAM %s)\n" },
	{ "Note", "Note" },
	{ "OOM-killed %.0f time(s)", "arrêté par OOM %.0f fois" },
	{ "Over-provisioning", "Surdimensionnement" },
	{ "PER 1000", "POUR 1000" },
	{ "PER APP", "PAR CAND" },
	{ "PERIOD", "PÉRIODE" },
	{ "Per 1 000 requests", "Pour 1 000 requêtes" },
	{ "Per application", "Par candidature" },
	{ "Per month", "Par mois" },
	{ "Period", "Période" },
	{ "Potential savings per month", "Économies possibles par mois" },
	{ "Potential savings per month: %s %s (CPU %s, memory %s)\n",
	  "Économies possibles par mois : %s %s (CPU %s, mémoire %s)\n" },
	{ "Pricing", "Prix" },
	{ "REQUESTS", "REQUÊTES" },
	{ "Recommendations", "Recommandations" },
	{ "Requests", "Requêtes" },
	{ "SAVING", "ÉCONOMIE" },
	{ "SAVING/M", "ÉCON/M" },
	{ "SEV", "GRAV" },
	{ "Saving per month", "Économie par mois" },
	{ "Savings/month", "Économies/mois" },
	{ "Severity", "Gravité" },
	{ "Source", "Source" },
	{ "THRESHOLD BREACHED", "SEUIL DÉPASSÉ" },
	{ "TOTAL", "TOTAL" },
	{ "Thresholds breached", "Seuils dépassés" },
	{ "Total", "Total" },
	{ "Trend", "Tendance" },
	{ "UNIT ECONOMICS", "ÉCONOMIE UNITAIRE" },
	{ "USED", "UTIL" },
	{ "Unit economics", "Économie unitaire" },
	{ "VALUE", "VALEUR" },
	{ "Window", "Fenêtre" },
	{ "controller", "contrôleur" },
	{ "high", "élevée" },
	{ "label", "label" },
	{ "low", "faible" },
	{ "max usage", "utilisation max" },
	{ "medium", "moyenne" },
	{ "memory", "mémoire" },
	{ "memory above request", "mémoire au-dessus de la demande" },
	{ "memory near limit", "mémoire proche de la limite" },
	{ "namespace", "namespace" },
	{ "no request set", "aucune demande" },
	{ "no usage series (cAdvisor): no recommendation",
	  "aucune série d'utilisation (cAdvisor) : aucune recommandation" },
	{ "not enough data: %.1f h of usage (--min-history): no recommendation",
	  "données insuffisantes : %.1f h d'utilisation (--min-history) : aucune "
	  "recommandation" },
	{ "ok", "ok" },
	{ "p95 usage", "utilisation p95" },
	{ "pod", "pod" },
	{ "previous window", "fenêtre précédente" },
	{ "pricing: %g %s/vCPU-h, %g %s/%s-h RAM, %g %s/%s-month disk\n",
	  "prix : %g %s/vCPU-h, %g %s/%s-h RAM, %g %s/%s-mois disque\n" },
	{ "recommendation above request: %s", "recommandation au-dessus de la demande : %s" },
	{ "request", "demande" },
	{ "risk", "risque" },
	{ "source", "source" },
	{ "the HPA target, floor or rounding", "la cible du HPA, le plancher ou l'arrondi" },
	{ "the buffer and rounding", "la marge et l'arrondi" },
	{ "the maximum", "le maximum" },
	{ "the pricing model applied to max(request, usage) each hour, as OpenCost "
	  "allocates",
	  "le modèle de prix appliqué chaque heure à max(demande, utilisation), comme "
	  "OpenCost alloue" },
	{ "this window", "cette fenêtre" },
	{ "unknown", "inconnue" },
	{ "usage above request,", "utilisation au-dessus de la demande," },
	{ "usage under request, raised by", "utilisation sous la demande, relevée par" },
	{ "window", "fenêtre" },
	{ "| Container | CPU before -> after | Memory before -> after | CPU saving | "
	  "Memory saving | Extra cost | Note |\n|---|---|---|---:|---:|---:|---|\n",
	  "| Conteneur | CPU avant -> après | Mémoire avant -> après | Économie CPU | "
	  "Économie mémoire | Surcoût | Note |\n|---|---|---|---:|---:|---:|---|\n" },
	{ "| Container | CPU request | CPU p50 | CPU p95 | CPU max | Memory request | "
	  "Memory max | Severity |\n|---|---:|---:|---:|---:|---:|---:|---|\n",
	  "| Conteneur | Demande CPU | CPU p50 | CPU p95 | CPU max | Demande mémoire | "
	  "Mémoire max | Gravité |\n|---|---:|---:|---:|---:|---:|---:|---|\n" },
};
