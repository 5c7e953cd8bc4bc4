using SovereigntySim.Domain.Simulation;
using SovereigntySim.Domain.Bargaining;
using System.Globalization;

namespace SovereigntySim.Scenarios;

/// <summary>Rules that span several values (unique ids, references, sums, the clock), checked on a bound scenario.
/// Errors point at the offending node, or at its nearest written ancestor when it was left at its default.</summary>
internal sealed class ScenarioValidator(ScenarioSpec spec, IReadOnlyDictionary<string, SourcePos> positions, List<ScenarioError> errors)
{
    private const double SumTolerance = 1e-6;
    private const long MaxSteps = 10_000_000;

    /// <summary>Fields each event kind needs; the engine ignores the others.</summary>
    private static readonly Dictionary<ScriptedEventKind, string[]> EventNeeds = new()
    {
        [ScriptedEventKind.SetPolicy] = ["country", "policy"],
        [ScriptedEventKind.Threaten] = ["country", "against"],
        [ScriptedEventKind.Impose] = ["country", "against"],
        [ScriptedEventKind.Lift] = ["country", "against"],
        [ScriptedEventKind.RevokeClearances] = ["country"],
        [ScriptedEventKind.SetPressure] = ["country", "value"],
        [ScriptedEventKind.OpenNegotiation] = ["country", "against"],
        [ScriptedEventKind.GovernmentChange] = ["country"],
    };

    public void Run()
    {
        bool clockOk = CheckClock();
        CheckMeasures();

        var countries = Unique(spec.Countries.Select((c, i) => (c.Id, $"countries[{i}].id")), "country id");
        const string CountryRef = "a country id defined in countries";
        // The name becomes part of run ids and of the default output folder: keep it a plain file name.
        if (spec.Name.Length > 0 && !(char.IsAsciiLetterOrDigit(spec.Name[0]) && spec.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
            Error("name", "a name of letters, digits, '.', '_' or '-', starting with a letter or digit", $"'{spec.Name}'");
        if (spec.Name.Length > Limits.MaxNameLength)
            Error("name", $"a name of at most {Limits.MaxNameLength} characters (it names the output folder)", $"{spec.Name.Length} characters");
        // Extreme volumes are refused here rather than found out after an hour of running.
        double days = clockOk ? spec.Duration.TotalDays : 0;
        double people = spec.Populations.Sum(p => p.Initial + p.ArrivalsPerDay * days);
        if (people > Limits.MaxPeople)
        {
            int biggest = spec.Populations.Select((p, i) => (People: p.Initial + p.ArrivalsPerDay * days, i)).Max().i;
            Error($"populations[{biggest}]", $"at most {Limits.MaxPeople:N0} people over the run (initial plus arrivals per day times {days:0.##} days)",
                $"{people:N0} in all");
        }
        // Country ids name agents such as negotiation/US-MX: keep them to letters, digits and '_'.
        for (int i = 0; i < spec.Countries.Count; i++)
            if (!spec.Countries[i].Id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                Error($"countries[{i}].id", "a country id of letters, digits or '_' (e.g. MX)", $"'{spec.Countries[i].Id}'");
        if (spec.Negotiation.MinPassengers > spec.Negotiation.MaxPassengers)
            Error("negotiation.minPassengers", $"at most maxPassengers ({spec.Negotiation.MaxPassengers})", spec.Negotiation.MinPassengers.ToString(CultureInfo.InvariantCulture));

        var a = spec.Agencies;
        Unique(
            a.Enforcement.Select((x, i) => (x.Id, $"agencies.enforcement[{i}].id"))
                .Concat(a.Screening.Select((x, i) => (x.Id, $"agencies.screening[{i}].id")))
                .Concat(a.Ministries.Select((x, i) => (x.Id, $"agencies.ministries[{i}].id")))
                .Concat(a.Advocacy.Select((x, i) => (x.Id, $"agencies.advocacy[{i}].id")))
                .Concat(a.Observers.Select((x, i) => (x.Id, $"agencies.observers[{i}].id"))),
            "agency id (all agencies share one set of ids)");
        var enforcement = a.Enforcement.Select(x => x.Id).Distinct().ToList();
        const string EnforcementRef = "an enforcement agency id defined in agencies.enforcement";

        for (int i = 0; i < a.Enforcement.Count; i++) Ref(a.Enforcement[i].Country, $"agencies.enforcement[{i}].country", countries, CountryRef);
        for (int i = 0; i < a.Screening.Count; i++) Ref(a.Screening[i].Country, $"agencies.screening[{i}].country", countries, CountryRef);
        for (int i = 0; i < a.Ministries.Count; i++) Ref(a.Ministries[i].Country, $"agencies.ministries[{i}].country", countries, CountryRef);
        for (int i = 0; i < a.Advocacy.Count; i++) Ref(a.Advocacy[i].Country, $"agencies.advocacy[{i}].country", countries, CountryRef);
        for (int i = 0; i < a.Observers.Count; i++) Ref(a.Observers[i].Assesses, $"agencies.observers[{i}].assesses", countries, CountryRef);

        for (int i = 0; i < spec.Relations.Count; i++)
        {
            var r = spec.Relations[i];
            Ref(r.From, $"relations[{i}].from", countries, CountryRef);
            Ref(r.To, $"relations[{i}].to", countries, CountryRef);
            if (r.From == r.To) Error($"relations[{i}].to", $"a country other than from ('{r.From}')", $"'{r.To}'");
            // A linked instrument must be on the ladder of one of the two countries.
            var ladders = spec.Countries.Where(c => c.Id == r.From || c.Id == r.To)
                .SelectMany(c => c.Instruments.Select(Grievance.NameOf)).Distinct().ToList();
            for (int j = 0; j < r.Links.Count; j++)
                if (!ladders.Contains(r.Links[j]))
                    Error($"relations[{i}].links[{j}]", $"an instrument on {r.From}'s or {r.To}'s ladder ({(ladders.Count == 0 ? "none" : string.Join(", ", ladders))})", $"'{r.Links[j]}'");
        }

        var facilities = Unique(spec.Facilities.Select((f, i) => (f.Id, $"facilities[{i}].id")), "facility id");
        const string FacilityRef = "a facility id defined in facilities";
        for (int i = 0; i < spec.Facilities.Count; i++) Ref(spec.Facilities[i].Agency, $"facilities[{i}].agency", enforcement, EnforcementRef);

        Unique(spec.Populations.Select((p, i) => (p.Id, $"populations[{i}].id")), "population id");
        var populated = new Dictionary<(string, string), string>();
        for (int i = 0; i < spec.Populations.Count; i++)
        {
            var p = spec.Populations[i];
            string at = $"populations[{i}]";
            Ref(p.Facility, $"{at}.facility", facilities, FacilityRef);
            Ref(p.Destination, $"{at}.destination", countries, CountryRef);
            if (!populated.TryAdd((p.Facility, p.Destination), at))
                Error(at, "at most one population per facility and destination",
                    $"a second one for facility '{p.Facility}' and destination '{p.Destination}' (the first is {populated[(p.Facility, p.Destination)]})");
            var d = p.Documents;
            SumsToOne($"{at}.documents", ("verified", d.Verified), ("partial", d.Partial), ("missing", d.Missing), ("disputed", d.Disputed));
            if (p.ThirdCountryNationalities.Count > 255)
                Error($"{at}.thirdCountryNationalities", "at most 255 nationalities", $"{p.ThirdCountryNationalities.Count}");
            var l = p.LegalStatus;
            SumsToOne($"{at}.legalStatus", ("finalOrder", l.FinalOrder), ("pendingAppeal", l.PendingAppeal), ("asylumClaim", l.AsylumClaim));
        }

        Unique(spec.FlightPlans.Select((f, i) => (f.Id, $"flightPlans[{i}].id")), "flight plan id");
        for (int i = 0; i < spec.FlightPlans.Count; i++)
        {
            var f = spec.FlightPlans[i];
            string at = $"flightPlans[{i}]";
            bool agencyKnown = Ref(f.Agency, $"{at}.agency", enforcement, EnforcementRef);
            bool known = Ref(f.Facility, $"{at}.facility", facilities, FacilityRef) & Ref(f.Destination, $"{at}.destination", countries, CountryRef);
            // A flight leaves from a facility its own agency runs: one agency's rules govern booking and the caseload.
            if (agencyKnown && spec.Facilities.FirstOrDefault(x => x.Id == f.Facility) is { } facility
                && enforcement.Contains(facility.Agency) && facility.Agency != f.Agency)
                Error($"{at}.agency", $"the agency that runs facility '{f.Facility}' ('{facility.Agency}')", $"'{f.Agency}'");
            if (known && !populated.ContainsKey((f.Facility, f.Destination)))
                Error($"{at}.destination", $"a population with facility '{f.Facility}' and destination '{f.Destination}' in populations", "none");
            if (clockOk) Within(f.First, $"{at}.first");
        }

        for (int c = 0; c < spec.Countries.Count; c++)
        {
            var administrations = spec.Countries[c].Administrations;
            for (int i = 0; i < administrations.Count; i++)
            {
                string at = $"countries[{c}].administrations[{i}]";
                if (administrations[i].Posture is null) Error($"{at}.posture", "the posture of the administration (bush, obama, trump1, biden or trump2)", "none");
                if (!clockOk) continue;
                Within(administrations[i].At, $"{at}.at");
                if (i > 0 && administrations[i].At.OffsetFrom(spec.Start) <= administrations[i - 1].At.OffsetFrom(spec.Start))
                    Error($"{at}.at", $"a time after the administration before it ({administrations[i - 1].At})", administrations[i].At.ToString());
            }
        }

        for (int i = 0; i < spec.Events.Count; i++)
        {
            var e = spec.Events[i];
            string at = $"events[{i}]";
            if (clockOk) Within(e.At, $"{at}.at");
            var given = new Dictionary<string, bool>
            {
                ["country"] = e.Country.Length > 0, ["against"] = e.Against.Length > 0, ["policy"] = e.Policy is not null, ["value"] = e.Value is not null,
            };
            foreach (var need in EventNeeds.GetValueOrDefault(e.Kind, []).Where(n => !given[n]))
                Error($"{at}.{need}", $"key '{need}' (kind {ScenarioModel.CamelCase(e.Kind.ToString())} needs it)", "an event without it");
            bool countryKnown = given["country"] && Ref(e.Country, $"{at}.country", countries, CountryRef);
            if (given["against"] && Ref(e.Against, $"{at}.against", countries, CountryRef) && e.Against == e.Country)
                Error($"{at}.against", $"a country other than country ('{e.Country}')", $"'{e.Against}'");
            // A named instrument must be on the acting country's ladder.
            if (countryKnown && e.Instrument is { } instrument && e.Kind is ScriptedEventKind.Threaten or ScriptedEventKind.Impose)
            {
                var ladder = spec.Countries.First(c => c.Id == e.Country).Instruments.Select(x => x.Kind).Distinct().ToList();
                if (!ladder.Contains(instrument))
                    Error($"{at}.instrument", $"an instrument on {e.Country}'s ladder ({(ladder.Count == 0 ? "none" : string.Join(", ", ladder.Select(k => ScenarioModel.CamelCase(k.ToString()))))})",
                        $"'{ScenarioModel.CamelCase(instrument.ToString())}'");
            }
            // A stated reason is a reason to refuse a flight: a revocation or a suspension states one, and talks name theirs.
            bool states = e.Kind is ScriptedEventKind.RevokeClearances or ScriptedEventKind.OpenNegotiation
                || (e.Kind == ScriptedEventKind.Impose && e.Instrument == InstrumentKind.FlightSuspension);
            if (e.Reasons.Count > 0 && !states)
                Error($"{at}.reasons", "no reasons (only revokeClearances, openNegotiation and impose of a flightSuspension state one)", $"{e.Reasons.Count} reason(s)");
            for (int r = 0; r < e.Reasons.Count; r++)
                if (Grievance.IssuesOf(e.Reasons[r]).Count == 0)
                    Error($"{at}.reasons[{r}]", $"a refusal reason that raises a term ({string.Join(", ", Grievance.StatedReasons.Select(x => ScenarioModel.CamelCase(x.ToString())))})",
                        $"'{ScenarioModel.CamelCase(e.Reasons[r].ToString())}'");
        }
    }

    /// <summary>The scenario's own outcome measures: a plain unique id, an event kind of the catalogue (one the log
    /// holds line by line), a field to sum for of: sum and only then, nth only for of: first.</summary>
    private void CheckMeasures()
    {
        var kinds = EventKinds.All.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        var migrantKinds = EventKinds.MigrantKinds.ToHashSet(StringComparer.Ordinal);
        Unique(spec.Measures.Select((m, i) => (m.Id, $"measures[{i}].id")), "measure id");
        for (int i = 0; i < spec.Measures.Count; i++)
        {
            var m = spec.Measures[i];
            string at = $"measures[{i}]";
            if (m.Id.Length > 0 && !(char.IsAsciiLetter(m.Id[0]) && m.Id.All(char.IsAsciiLetterOrDigit)))
                Error($"{at}.id", "letters and digits, starting with a letter (the column is measure.<id>)", $"'{m.Id}'");
            if (m.Event.Length > 0 && !kinds.Contains(m.Event))
                Error($"{at}.event", "an event kind of the log (docs/model.md, the event table), e.g. flight.landed", $"'{m.Event}'");
            else if (migrantKinds.Contains(m.Event) && spec.Output.MigrantEvents == MigrantEventLog.Compact)
                Error($"{at}.event", "an event the log holds line by line (output.migrantEvents is compact: migrant-events are counted per caseload and round)", $"'{m.Event}'");
            // Fields are checked against what the catalogue says the kind carries: a misspelt one would sum to 0 or
            // match nothing without a word.
            if (EventKinds.All.FirstOrDefault(k => k.Name == m.Event) is { } kind)
            {
                var carried = System.Text.RegularExpressions.Regex.Matches(kind.Carries, "[A-Za-z][A-Za-z0-9.]*").Select(x => x.Value).ToHashSet(StringComparer.Ordinal);
                string Carried() => $"a field {m.Event} carries: {kind.Carries}";
                if (m.Field is { Length: > 0 } field && !carried.Contains(field)) Error($"{at}.field", Carried(), $"'{field}'");
                for (int w = 0; w < m.Where.Count; w++)
                    if (m.Where[w].Field.Length > 0 && !carried.Contains(m.Where[w].Field)) Error($"{at}.where[{w}].field", Carried(), $"'{m.Where[w].Field}'");
            }
            if (m.Of == MeasureOf.Sum && string.IsNullOrEmpty(m.Field)) Error($"{at}.field", "the numeric field to sum (of: sum)", "none");
            if (m.Of != MeasureOf.Sum && m.Field is not null) Error($"{at}.field", "no field (only of: sum sums one)", $"'{m.Field}'");
            if (m.Of != MeasureOf.First && m.Nth != 1) Error($"{at}.nth", "no nth (only of: first counts to the nth event)", m.Nth.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The kernel advances in whole steps and reports per day, so steps must tile days and the run.</summary>
    private bool CheckClock()
    {
        bool stepOk = false;
        if (spec.Step <= TimeSpan.Zero) Error("step", "a positive duration", Show(spec.Step));
        else if (TimeSpan.TicksPerDay % spec.Step.Ticks != 0) Error("step", "a step that divides one day exactly (e.g. 15m, 1h, 6h, 1d)", Show(spec.Step));
        else stepOk = true;

        if (spec.Duration <= TimeSpan.Zero)
        {
            Error("duration", "a positive duration", Show(spec.Duration));
            return false;
        }
        if (DateTimeOffset.MaxValue - spec.Start < spec.Duration)
        {
            Error("duration", "a duration that ends before the year 10000", Show(spec.Duration));
            return false;
        }
        if (stepOk && spec.Duration.Ticks % spec.Step.Ticks != 0)
            Error("duration", $"a whole multiple of step ({DurationText.Format(spec.Step)})", Show(spec.Duration));
        // Caseloads pack ticks into 31 bits; ten million steps (e.g. 285 years of 15-minute steps) is far more than enough.
        if (stepOk && spec.Duration.Ticks / spec.Step.Ticks > MaxSteps)
            Error("duration", $"at most {MaxSteps:N0} steps of {DurationText.Format(spec.Step)}", $"{spec.Duration.Ticks / spec.Step.Ticks:N0} steps");
        else if (spec.Duration.TotalDays > Limits.MaxDays)
        {
            Error("duration", $"at most {Limits.MaxDays:N0} days", Show(spec.Duration));
            return false;
        }
        return true;
    }

    private void Within(ScenarioTime t, string path)
    {
        var offset = t.OffsetFrom(spec.Start);
        if (offset >= TimeSpan.Zero && offset < spec.Duration) return;
        var end = new ScenarioTime(spec.Duration, null);
        Error(path, $"a time within the scenario, from day 1 00:00 ({Iso(spec.Start)}) to before {end} ({Iso(spec.Start + spec.Duration)})", $"'{(t.Absolute is { } a ? Iso(a) : t.ToString())}'");
    }

    private List<string> Unique(IEnumerable<(string Id, string Path)> items, string what)
    {
        var first = new Dictionary<string, string>();
        foreach (var (id, path) in items)
            if (!first.TryAdd(id, path)) Error(path, $"a unique {what}", $"'{id}', already used at {first[id]}");
        return first.Keys.ToList();
    }

    private bool Ref(string id, string path, List<string> known, string what)
    {
        if (known.Contains(id)) return true;
        Error(path, $"{what} ({(known.Count == 0 ? "none defined" : string.Join(", ", known))})", $"'{id}'");
        return false;
    }

    private void SumsToOne(string path, params (string Name, double Share)[] shares)
    {
        double sum = shares.Sum(s => s.Share);
        if (Math.Abs(sum - 1) <= SumTolerance) return;
        Error(path, "shares summing to 1", $"{Num(sum)} ({string.Join(" + ", shares.Select(s => $"{s.Name} {Num(s.Share)}"))})");
    }

    private void Error(string path, string expected, string found)
    {
        // Defaults have no node: fall back to the closest ancestor that was written.
        string p = path;
        SourcePos pos;
        while (!positions.TryGetValue(p, out pos) && p.Length > 0) p = Paths.Parent(p);
        errors.Add(pos.Error(path, expected, found));
    }

    private static string Show(TimeSpan t) => t == TimeSpan.Zero ? "a zero duration" : $"'{DurationText.Format(t)}'";
    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
    private static string Num(double x) => Math.Round(x, 9).ToString(CultureInfo.InvariantCulture);
}
