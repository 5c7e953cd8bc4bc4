namespace SovereigntySim.Reports;

/// <summary>
/// Section 3: negotiations. For a run, each negotiation (at most <see cref="MaxNegotiations"/>) in the utility plane
/// (offers of both sides, the Pareto frontier, the agreement, the Nash point, the reservation values) and its
/// utilities round by round, with a table of all negotiations. For an experiment, the final utilities of every
/// negotiation of every run, by outcome.
/// </summary>
internal static class NegotiationSection
{
    public const int MaxNegotiations = 6;

    private sealed record Negotiation(string Id, string Dyad, string Sending, string Receiving, string Outcome, string Rounds,
        double USending, double UReceiving, double RSending, double RReceiving, double NashSending, double NashReceiving,
        IReadOnlyList<(string Term, string Value)> Terms)
    {
        /// <summary>Who ended the talks, and the least it would then take (its reservation, lowered by the dispute's costs).</summary>
        public string ClosedBy { get; init; } = "";
        public double CloserReservation { get; init; } = double.NaN;
        public double CloserOfferUtility { get; init; } = double.NaN;
    }

    public static Section? Build(ReportInput input)
    {
        if (input.Negotiations is not { } table || table.Rows.Count == 0) return null;
        var all = Read(table);
        if (table.Has("run")) return AcrossRuns(table, all);

        var charts = new List<ChartSpec>();
        foreach (var (n, i) in all.Take(MaxNegotiations).Select((n, i) => (n, i)))
        {
            var offers = input.Offers is { } o ? Offers(o, n.Id) : [];
            var frontier = input.Frontier is { } f ? Frontier(f, n.Id) : [];
            charts.Add(Plane(n, i, offers, frontier));
            if (offers.Count > 0) charts.Add(ByRound(n, i, offers));
        }
        var text = "Bargaining between the sending and the receiving state: each offer's utility to both sides, the Pareto " +
                   "frontier of the deals on the table, where they agreed, the Nash bargaining solution (the frontier point " +
                   "maximising (uS−rS)(uR−rR) above both reservation values rS and rR), and the reservation values themselves." +
                   (all.Count > MaxNegotiations ? $" The first {MaxNegotiations} of {all.Count} negotiations are charted." : "");
        return new Section("negotiations", "Negotiations", text, charts, [Table(table, all)]);
    }

    private static List<Negotiation> Read(CsvTable t)
    {
        int id = t.Require("negotiation"), dyad = t.Require("dyad");
        int Opt(string c) => t.IndexOf(c);
        string Cell(string[] r, int c) => c >= 0 ? r[c] : "";
        double Num(string[] r, int c) => c >= 0 ? CsvTable.Number(r[c]) : double.NaN;
        int sending = Opt("sending"), receiving = Opt("receiving"), outcome = Opt("outcome"), rounds = Opt("rounds");
        int uS = Opt("utilitySending"), uR = Opt("utilityReceiving"), rS = Opt("reservationSending"), rR = Opt("reservationReceiving");
        int nS = Opt("nashUtilitySending"), nR = Opt("nashUtilityReceiving");
        int closedBy = Opt("closedBy"), closerReservation = Opt("closerReservation"), closerOffer = Opt("closerOfferUtility");
        var terms = t.Header.Select((h, i) => (h, i)).Where(c => c.h.StartsWith("term.", StringComparison.Ordinal)).ToList();
        return t.Rows.Select(r => new Negotiation(r[id], r[dyad], Cell(r, sending), Cell(r, receiving), Cell(r, outcome), Cell(r, rounds),
            Num(r, uS), Num(r, uR), Num(r, rS), Num(r, rR), Num(r, nS), Num(r, nR),
            terms.Where(c => r[c.i] != "").Select(c => (c.h["term.".Length..], r[c.i])).ToList())
        {
            ClosedBy = Cell(r, closedBy), CloserReservation = Num(r, closerReservation), CloserOfferUtility = Num(r, closerOffer),
        }).ToList();
    }

    /// <summary>Why a deal can lie below the dotted line: the closer's reservation had fallen with the dispute's costs.</summary>
    private static string Closing(Negotiation n) => n.ClosedBy.Length == 0 || !double.IsFinite(n.CloserReservation) ? ""
        : $" {n.ClosedBy} ended the talks ({n.Outcome}) when the least it would take had become {Format.Number(n.CloserReservation)}"
          + (double.IsFinite(n.CloserOfferUtility) ? $" and the offer on the table was worth {Format.Number(n.CloserOfferUtility)} to it" : "") + ".";

    private sealed record Offer(double Round, double Hours, string By, double USending, double UReceiving, bool Accepted);

    private static List<Offer> Offers(CsvTable t, string negotiation)
    {
        int id = t.Require("negotiation"), round = t.Require("round"), by = t.Require("by"), uS = t.Require("utilitySending"), uR = t.Require("utilityReceiving");
        int hours = t.IndexOf("hoursOpen"), accepted = t.IndexOf("accepted");
        return t.Rows.Where(r => r[id] == negotiation)
            .Select(r => new Offer(CsvTable.Number(r[round]), hours >= 0 ? CsvTable.Number(r[hours]) : 0, r[by].Trim().ToLowerInvariant(),
                CsvTable.Number(r[uS]), CsvTable.Number(r[uR]), accepted >= 0 && r[accepted].Trim().Equals("true", StringComparison.OrdinalIgnoreCase)))
            .Where(o => double.IsFinite(o.USending) && double.IsFinite(o.UReceiving))
            .OrderBy(o => o.Round).ThenBy(o => o.Hours).ToList();
    }

    private static List<Point> Frontier(CsvTable t, string negotiation)
    {
        int id = t.Require("negotiation"), uS = t.Require("utilitySending"), uR = t.Require("utilityReceiving");
        return t.Rows.Where(r => r[id] == negotiation)
            .Select(r => new Point(CsvTable.Number(r[uS]), CsvTable.Nullable(CsvTable.Number(r[uR]))))
            .Where(p => double.IsFinite(p.X) && p.Y is not null).OrderBy(p => p.X).ThenByDescending(p => p.Y).ToList();
    }

    /// <summary>The Nash bargaining point: the negotiation's own columns when present, otherwise the frontier point
    /// maximising (uS−rS)(uR−rR) among those above both reservation values (0 where a reservation is missing).</summary>
    public static (double S, double R)? NashPoint(double nashS, double nashR, IEnumerable<(double S, double R)> frontier, double rS, double rR)
    {
        if (double.IsFinite(nashS) && double.IsFinite(nashR)) return (nashS, nashR);
        rS = double.IsFinite(rS) ? rS : 0;
        rR = double.IsFinite(rR) ? rR : 0;
        (double S, double R)? best = null;
        double bestProduct = double.NegativeInfinity;
        foreach (var p in frontier)
        {
            if (p.S <= rS || p.R <= rR) continue;
            double product = (p.S - rS) * (p.R - rR);
            if (product > bestProduct) (best, bestProduct) = (p, product);
        }
        return best;
    }

    private static string Name(Negotiation n) => $"{n.Dyad}" + (n.Id != n.Dyad ? $" ({n.Id})" : "");

    private static ChartSpec Plane(Negotiation n, int index, List<Offer> offers, List<Point> frontier)
    {
        var series = new List<SeriesSpec>();
        string sending = n.Sending == "" ? "sending state" : n.Sending, receiving = n.Receiving == "" ? "receiving state" : n.Receiving;
        void Add(SeriesSpec s) { if ((s.Points?.Count ?? 0) > 0) series.Add(s); }
        Add(new SeriesSpec($"offers by {sending} (sending)", Styles.Points, 0,
            offers.Where(o => o.By == "sending").Select(o => new Point(o.USending, o.UReceiving)).ToList()));
        Add(new SeriesSpec($"offers by {receiving} (receiving)", Styles.Points, 1,
            offers.Where(o => o.By == "receiving").Select(o => new Point(o.USending, o.UReceiving)).ToList()));
        Add(new SeriesSpec("Pareto frontier", Styles.Line, 2, frontier));
        if (n.Outcome == "agreement" && double.IsFinite(n.USending) && double.IsFinite(n.UReceiving))
            Add(new SeriesSpec("agreement", Styles.Marker, 3, [new Point(n.USending, n.UReceiving)]));
        if (NashPoint(n.NashSending, n.NashReceiving, frontier.Select(p => (p.X, p.Y!.Value)), n.RSending, n.RReceiving) is { } nash)
            Add(new SeriesSpec("Nash point", Styles.Marker, 4, [new Point(nash.S, nash.R)]));

        var xs = series.SelectMany(s => s.Points!).Select(p => p.X).Append(n.RSending).Where(double.IsFinite).ToList();
        var ys = series.SelectMany(s => s.Points!).Select(p => p.Y ?? double.NaN).Append(n.RReceiving).Where(double.IsFinite).ToList();
        if (xs.Count > 0 && ys.Count > 0)
        {
            if (double.IsFinite(n.RSending))
                Add(new SeriesSpec($"reservation of {sending}", Styles.Reference, 0, [new Point(n.RSending, ys.Min()), new Point(n.RSending, ys.Max())]));
            if (double.IsFinite(n.RReceiving))
                Add(new SeriesSpec($"reservation of {receiving}", Styles.Reference, 1, [new Point(xs.Min(), n.RReceiving), new Point(xs.Max(), n.RReceiving)]));
        }
        return new ChartSpec($"negotiation-{index}-plane", "scatter", $"{Name(n)}: offers in the utility plane",
            $"Outcome: {n.Outcome}" + (n.Rounds != "" ? $" after {n.Rounds} rounds" : "") +
            (n.Terms.Count > 0 ? $"; terms: {string.Join(", ", n.Terms.Select(t => $"{t.Term}={t.Value}"))}" : "") +
            ". Each point is an offer, placed by its utility to each side; dotted lines are the reservation values at the start " +
            "(the mean of each side's type), below which a side prefers no deal before the dispute costs it anything." + Closing(n),
            new Axis($"utility to {sending} (sending)"), new Axis($"utility to {receiving} (receiving)"), series);
    }

    private static ChartSpec ByRound(Negotiation n, int index, List<Offer> offers)
    {
        string sending = n.Sending == "" ? "sending state" : n.Sending, receiving = n.Receiving == "" ? "receiving state" : n.Receiving;
        // The k-th of m offers made in round r is placed at r + k/m, so an offer and its counter-offer do not stack.
        var placed = offers.GroupBy(o => o.Round).SelectMany(g => g.Select((o, k) => (X: o.Round + (double)k / g.Count(), Offer: o))).ToList();
        return new ChartSpec($"negotiation-{index}-rounds", "line", $"{Name(n)}: utilities round by round",
            "Every offer in order, with its utility to each side; when both sides make an offer in a round, the second " +
            "is placed half a round later. Converging lines mean the sides are conceding towards a deal.",
            new Axis("round"), new Axis("utility"),
        [
            new SeriesSpec($"utility to {sending}", Styles.Line, 0, placed.Select(p => new Point(p.X, p.Offer.USending)).ToList()),
            new SeriesSpec($"utility to {receiving}", Styles.Line, 1, placed.Select(p => new Point(p.X, p.Offer.UReceiving)).ToList()),
        ]);
    }

    private static TableSpec Table(CsvTable t, List<Negotiation> all)
    {
        string[] columns = ["negotiation", "dyad", "opened", "closed", "outcome", "rounds", "utilitySending", "utilityReceiving", "nashProduct"];
        var present = columns.Where(t.Has).ToList();
        var rows = t.Rows.Select((r, i) => (IReadOnlyList<string>)present.Select(c => c.StartsWith("utility", StringComparison.Ordinal) || c == "nashProduct"
                ? Format.Number(CsvTable.Number(r[t.Require(c)])) : r[t.Require(c)])
            .Append(string.Join(", ", all[i].Terms.Select(x => $"{x.Term}={x.Value}"))).ToList()).ToList();
        return new TableSpec("negotiations-table", "All negotiations", "From negotiations.csv.", [.. present, "terms"], rows);
    }

    private static Section AcrossRuns(CsvTable t, List<Negotiation> all)
    {
        var byOutcome = all.Where(n => double.IsFinite(n.USending) && double.IsFinite(n.UReceiving))
            .GroupBy(n => n.Outcome == "" ? "unknown" : n.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var charts = new List<ChartSpec>();
        if (byOutcome.Count > 0)
            charts.Add(new ChartSpec("negotiations-runs", "scatter", "Final utilities of negotiations across runs",
                $"From negotiations.csv: each of the {all.Count} negotiations of every run, placed by the utility of its last " +
                "offer (or deal) to each side, coloured by outcome.",
                new Axis("utility to the sending state"), new Axis("utility to the receiving state"),
                byOutcome.Select((g, i) => new SeriesSpec(g.Key, Styles.Points, i, g.Select(n => new Point(n.USending, n.UReceiving)).ToList())).ToList()));
        int outcome = t.IndexOf("outcome");
        var counts = outcome < 0 ? [] : t.Rows.GroupBy(r => r[outcome]).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key, g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture)]).ToList();
        var tables = counts.Count == 0 ? new List<TableSpec>() : [new TableSpec("negotiations-outcomes", "Negotiation outcomes", "Count of negotiations by outcome over all runs.", ["outcome", "negotiations"], counts)];
        return new Section("negotiations", "Negotiations", "How the negotiations of the runs ended.", charts, tables);
    }
}
