using System.Globalization;
using System.Text;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Metrics;

/// <summary>One sentence of a run's story: when, what happened in plain words, and the events it comes from (their
/// line numbers in events.jsonl, from 1).</summary>
public sealed record StorySentence(long Tick, string Time, string Text, IReadOnlyList<long> Lines);

/// <summary>
/// A run's story told from its event log, for readers who are not modellers: who refused what and why, what each
/// threat was meant to win and at what risk, why each side accepted a deal or walked out, and what the numbers in
/// the tables (reservation, aspiration) meant at that moment. Every sentence points at the events behind it. Routine
/// events (daily states, each migrant, each offer) are left to the tables.
/// </summary>
public sealed class RunStory(World world)
{
    private readonly List<StorySentence> _sentences = [];
    // Each country's reservation value as drawn at the start, to say how far the dispute's costs moved it.
    private readonly Dictionary<string, double> _reservationAtStart = new(StringComparer.Ordinal);

    public IReadOnlyList<StorySentence> Sentences => _sentences;

    /// <summary>Tells the story of <paramref name="events"/>, numbered from line 1 of the log.</summary>
    public static IReadOnlyList<StorySentence> Tell(World world, IEnumerable<SimEvent> events)
    {
        var story = new RunStory(world);
        long line = 0;
        foreach (var e in events) story.Add(e, ++line);
        return story.Sentences;
    }

    /// <summary>Adds the sentence an event tells, if it tells one.</summary>
    public void Add(SimEvent e, long line)
    {
        if (Tell(e) is { } text) _sentences.Add(new StorySentence(e.Tick, world.Clock.Iso(e.Tick), text, [line]));
    }

    /// <summary>The sentence an event tells, or null; events must come in log order (the story remembers what it
    /// needs: each side's reservation at the start, which offers were first). The live timeline tells them one by one.</summary>
    public string? Tell(SimEvent e)
    {
        if (e.Kind == EventKinds.MinistryType && e.Subject is { } country) _reservationAtStart[country] = e.Number("reservationValue");
        return Sentence(e);
    }

    private string? Sentence(SimEvent e) => e.Kind switch
    {
        EventKinds.CountryType when e.Reasons is null => $"{Possessive(e.Actor)} commitment to carry out its threats is {N(e, "commitment")} (private, drawn for this run): backing down would cost it {N(e, "backDownCost")} with its audience.",
        EventKinds.CountryType => $"A new government took office in {Name(e.Actor)}: its commitment is drawn again ({N(e, "commitment")}) and its predecessor's linked demands are dropped.",
        EventKinds.MinistryType => $"{Name(e.Actor)} negotiates for {Name(e.Subject)}: it would rather have no deal than one worth less than {N(e, "reservationValue")} to it (its reservation value, before the dispute's costs), and concedes over about {N(e, "patienceDays")} days of patience.",
        EventKinds.ScreeningDecision when e.Text("verdict") == "refused" =>
            $"{Name(e.Actor)} refused flight {Short(e.Subject)} with {N(e, "passengers")} people: {Reasons(e)}{RefusedPeople(e)}.",
        EventKinds.ScreeningDecision when e.Text("verdict") == "partiallyCleared" && e.Number("refusedPeople") > 0 =>
            $"{Name(e.Actor)} cleared flight {Short(e.Subject)} but refused {N(e, "refusedPeople")} of its {N(e, "passengers")} people{RefusedPeople(e, alone: true)}.",
        EventKinds.FlightTurnedBack => $"Flight {Short(e.Actor)} was turned back: {Reasons(e)}.",
        EventKinds.FlightIncident => $"An incident was reported on flight {Short(e.Subject)}.",
        EventKinds.DisputeOpened when e.Text("linkedDemand") is { Length: > 0 } demand =>
            $"{Name(e.Actor)} tied its dispute with {Name(e.Subject)} to a demand the flight terms cannot meet: \"{demand}\"; it raises what {Name(e.Actor)} holds out for by {N(e, "linkedDemandValue")}.",
        EventKinds.NegotiationOpened => $"Talks between {Parties(e)} opened ({Plain(First(e))}) on: {Agenda(e.Text("agenda"))}.",
        EventKinds.NegotiationAgendaExtended => $"New refusals put more on the table of {Parties(e)}: {Agenda(e.Text("agenda"))}.",
        EventKinds.NegotiationOffer => Offer(e),
        EventKinds.NegotiationAgreement => Agreement(e),
        EventKinds.NegotiationBreakdown => Breakdown(e),
        EventKinds.NegotiationDeadline => $"The talks between {Parties(e)} reached their deadline without agreement.",
        EventKinds.NegotiationResumed => $"{Name("country/" + e.Text("by"))} resumed the talks: the standoff had lowered what it holds out for to {N(e, "reservation")} (from {N(e, "lowestEarlier")} when talks last ended), and it put the chance of a deal at {P(e, "agreementChance")}.",
        EventKinds.NegotiationUnavailable => $"No talks could open between {Parties(e)}: one side has no foreign ministry.",
        EventKinds.InstrumentThreatened => Threat(e),
        EventKinds.InstrumentHeldInReserve => $"{Name(e.Actor)} held {Words(e.Text("instrument"))} against {Name(e.Subject)} in reserve: what it expected the threat to win ({N(e, "expectedGain")}) did not outweigh what failing would cost it ({N(e, "expectedCost")}).",
        EventKinds.InstrumentApplied => Applied(e),
        EventKinds.InstrumentNotExecuted when e.Reasons is ["compliance"] => $"{Possessive(e.Actor)} threat of {Words(e.Text("instrument"))} lapsed: {Name(e.Subject)} was taking people back again by its date ({N(e, "returned")} since the agreement).",
        EventKinds.InstrumentNotExecuted when e.Reasons is ["newAdministration"] => $"{Possessive(e.Actor)} threat of {Words(e.Text("instrument"))} against {Name(e.Subject)} lapsed with the administration that made it.",
        EventKinds.CountryAdministration => $"A new administration took office in {Name(e.Actor)} ({Words(e.Text("posture"))} posture): its ladder is {(e.Text("instruments") is { Length: > 0 } l ? Words(l.Replace(" ", ", ")) : "empty")}, and its threats are believed at {N(e, "threatCredibility")} until its record shows otherwise.",
        EventKinds.InstrumentNotExecuted when e.Reasons is ["noDispute"] => $"{Possessive(e.Actor)} threat of {Words(e.Text("instrument"))} lapsed: nothing was in dispute with {Name(e.Subject)} any more.",
        EventKinds.InstrumentNotExecuted => $"{Name(e.Actor)} did not carry out its threat of {Words(e.Text("instrument"))}: the concession it could still force ({N(e, "expectedConcession")}) less its own cost ({N(e, "costToSelf")}) was worth less than the {N(e, "backDownCost")} that backing down costs it. {Name(e.Subject)} now finds its threats less credible ({N(e, "credibility")}).",
        EventKinds.InstrumentLifted => Lifted(e),
        EventKinds.InstrumentKept when e.Text("until") == "compliance" && e.Text("applied") == "false" =>
            $"The agreement left {Possessive(e.Actor)} threat of {Words(e.Text(EventFields.Instrument))} against {Name(e.Subject)} standing: it is carried out at its date unless {Name(e.Subject)} is taking people back again by then, and then kept until {Name(e.Subject)} has taken back {N(e, "needed")}.",
        EventKinds.InstrumentKept => e.Text("until") == "compliance"
            ? $"The agreement left {Possessive(e.Actor)} {Words(e.Text(EventFields.Instrument))} on {Name(e.Subject)} in force until {Name(e.Subject)} has taken back {N(e, "needed")} people (the statute lifts it on compliance, not on a promise)."
            : $"The agreement kept {Possessive(e.Actor)} {Words(e.Text(EventFields.Instrument))} on {Name(e.Subject)} in force until the first flight lands.",
        EventKinds.EscalationExhausted => $"{Name(e.Actor)} has no rung left on its ladder against {Name(e.Subject)}.",
        EventKinds.CountryPolicyChanged => $"{Possessive(e.Actor)} acceptance policy changed ({First(e)}).",
        EventKinds.AdvocacyAlert => $"{Name(e.Actor)} raised an alert over {Words(First(e))} on flight {Short(e.Subject)} ({People(e.Number("people"))}), adding {N(e, "pressure")} to {Possessive("country/" + e.Text("country"))} domestic pressure.",
        EventKinds.ObserverAssessment => $"{Name(e.Actor)} published an assessment ({N(e, "concerns")} concerns), costing the sending state {N(e, "cost")} in reputation.",
        _ when e.Kind.StartsWith("script.", StringComparison.Ordinal) =>
            $"Scripted in the scenario: {Words(e.Kind["script.".Length..])}{(e.Subject is null ? "" : " against " + Name(e.Subject))}{(e.Text("note") is { Length: > 0 } note ? $" (\"{note}\")" : "")}.",
        _ => null,
    };

    /// <summary>Only the opening offer of talks (round 1) is told (the rest are in offers.csv): what the opening demand was.</summary>
    private string? Offer(SimEvent e)
    {
        if (e.Number(EventFields.Round) != 1) return null;
        return $"{Name("country/" + e.Text(EventFields.By))} opened with {e.Text(EventFields.Terms)} (worth {N(e, EventFields.UtilitySending)} to the sending state and {N(e, EventFields.UtilityReceiving)} to the receiving one).";
    }

    private string Agreement(SimEvent e)
    {
        string byId = AgentIds.Country(MetricsAccumulator.ClosedBy(e) ?? ""), by = Name(byId);
        var text = new StringBuilder($"Agreement between {Parties(e)} after {N(e, "hoursInDispute")} hours in dispute: {e.Text(EventFields.Terms)}. {by} accepted an offer worth {N(e, "offerUtility")} to it");
        double offer = e.Number("offerUtility"), aspiration = e.Number(EventFields.Aspiration), reservation = e.Number(EventFields.Reservation);
        if (offer + 1e-9 >= aspiration) text.Append($", at least what it was still asking for ({F(aspiration)})");
        else text.Append($", no less than its floor ({F(reservation)}) nor than the best it expected the other side ever to offer ({N(e, "expectedDeal")})");
        // The reader sees the reservation value of the start in the tables: say why it is lower now.
        if (e.Number(EventFields.DailyCost) > 0 && _reservationAtStart.TryGetValue(byId, out var start) && reservation < start - 1e-9)
            text.Append($"; the least it would take had fallen from {F(start)} at the start to {F(reservation)} as the dispute cost it {N(e, EventFields.DailyCost)} a day");
        return text.Append('.').ToString();
    }

    private string Breakdown(SimEvent e)
    {
        string who = Name(AgentIds.Country(MetricsAccumulator.ClosedBy(e) ?? ""));
        if (e.Text("indivisible") == "true") return $"{who} walked out of the talks with {OtherParty(e, who)}: every term on the table is a red line of the other side, so no deal could settle the dispute.";
        if (e.Text("crossesRedLine") == "true") return $"{who} walked out of the talks with {OtherParty(e, who)}: the offer on the table crossed one of its red lines.";
        return $"{who} walked out of the talks with {OtherParty(e, who)} in round {N(e, EventFields.Round)}: it put the chance of a deal at {P(e, "agreementChance")}, so going on was worth {N(e, "valueOfContinuing")}, less than the {N(e, "costOfFutileTalks")} that talks leading nowhere cost it.";
    }

    private string Threat(SimEvent e)
    {
        var text = $"{Name(e.Actor)} threatened {Words(e.Text(EventFields.Instrument))} against {Name(e.Subject)}, to apply on {e.Text("applyAt")}";
        if (e.Reasons is ["scripted", ..]) return text + ", as the scenario scripts.";
        if (e.Reasons is ["counter-escalation", ..]) return text + $": leaving the pressure unanswered would cost it {N(e, "audienceCostUnanswered")} with its audience.";
        return text + $": it expected the threat to win {N(e, "expectedConcession")} of the {N(e, "shortfall")} it still lacked, believed at {N(e, "credibility")}, an expected gain of {N(e, "expectedGain")} against {N(e, "expectedCost")} if it fails.";
    }

    private string Applied(SimEvent e)
    {
        string why = e.Reasons switch
        {
            ["threat carried out", ..] => "carrying out its threat",
            ["scripted", ..] => "as the scenario scripts",
            ["incident", ..] => "after an incident",
            ["decided", ..] => "at once",
            ["noncompliance", ..] => $"its date came and {Name(e.Subject)} had taken nobody back since the agreement; it stays until {N(e, "needed")} have been",
            _ => string.Join(", ", e.Reasons ?? []),
        };
        return $"{Name(e.Actor)} applied {Words(e.Text(EventFields.Instrument))} against {Name(e.Subject)} ({why}){(e.Fields?.Any(f => f.Key == "dailyCostToTarget") == true ? $", costing {Name(e.Subject)} {N(e, "dailyCostToTarget")} a day" : "")}.";
    }

    private string Lifted(SimEvent e)
    {
        string what = e.Text(EventFields.Instrument) is { } i ? Words(i) : "its measures";
        return e.Reasons switch
        {
            ["compliance", ..] => $"{Name(e.Actor)} lifted {what} on {Name(e.Subject)}: {N(e, "returned")} people taken back since the agreement, of the {N(e, "needed")} the statute asks.",
            ["firstLanding", ..] => $"{Name(e.Actor)} lifted {what} on {Name(e.Subject)} as the first flight after the agreement landed.",
            ["notWorthIt", ..] => $"{Name(e.Actor)} lifted {what} on {Name(e.Subject)} without a deal: keeping it cost more ({N(e, "costToSelf")}) than the concession it still forced and the face lifting costs ({N(e, "expectedConcession")} + {N(e, "backDownCost")}).",
            ["scripted", ..] => $"{Name(e.Actor)} lifted {what} on {Name(e.Subject)}, as the scenario scripts.",
            _ => $"{Name(e.Actor)} lifted {what} on {Name(e.Subject)} with the agreement.",
        };
    }

    private string Parties(SimEvent e)
    {
        var (sending, receiving) = AgentIds.PartiesOf(e.Actor);
        return $"{Name(AgentIds.Country(sending))} and {Name(AgentIds.Country(receiving))}";
    }

    private string OtherParty(SimEvent e, string name)
    {
        var (sending, receiving) = AgentIds.PartiesOf(e.Actor);
        string s = Name(AgentIds.Country(sending)), r = Name(AgentIds.Country(receiving));
        return name == s ? r : s;
    }

    /// <summary>A country's name, an agency's with its country's, or the id.</summary>
    private string Name(string? agentId)
    {
        if (agentId is null) return "";
        string kind = AgentIds.KindOf(agentId), id = AgentIds.NameOf(agentId);
        return kind switch
        {
            "country" => world.Countries.TryGetValue(id, out var c) && c.Name.Length > 0 ? c.Name : id,
            "screening" => Of(world.Spec.Agencies.Screening.FirstOrDefault(a => a.Id == id)?.Country, "immigration authority", id),
            "ministry" => Of(world.Spec.Agencies.Ministries.FirstOrDefault(a => a.Id == id)?.Country, "foreign ministry", id),
            "advocacy" => $"The advocacy group {id}",
            "observer" => $"The observer {id}",
            _ => id,
        };

        string Of(string? country, string what, string fallback) => country is null ? fallback : $"{Possessive(AgentIds.Country(country))} {what} ({fallback})";
    }

    private string Possessive(string? agentId) => Name(agentId) is var n && n.EndsWith('s') ? n + "'" : n + "'s";

    private static string People(double n) => n == 1 ? "1 person" : $"{F(n)} people";

    /// <summary>A reason text with its camelCase terms as words ("2 flight(s) refused: missingNotice" → "... missing notice").</summary>
    private static string Plain(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "[a-z]+(?:[A-Z][a-z]*)+", m => Words(m.Value));

    private static string Short(string? flightId) => flightId is null ? "" : flightId.StartsWith("flight/", StringComparison.Ordinal) ? flightId["flight/".Length..] : flightId;

    private static string First(SimEvent e) => e.Reasons is { Count: > 0 } r ? r[0] : "";

    private static string Reasons(SimEvent e) => e.Reasons is { Count: > 0 } r ? string.Join(", ", r.Select(Words)) : "no reason given";

    /// <summary>The people refused one by one, by reason, largest first.</summary>
    private static string RefusedPeople(SimEvent e, bool alone = false)
    {
        var parts = (e.Fields ?? []).Where(f => f.Key.StartsWith(EventFields.RefusedPrefix, StringComparison.Ordinal) && f.Number > 0)
            .OrderByDescending(f => f.Number).Select(f => $"{F(f.Number!.Value)} {Words(f.Key[EventFields.RefusedPrefix.Length..])}").ToList();
        if (parts.Count == 0) return "";
        return alone ? $" ({string.Join(", ", parts)})" : $"; {F(e.Number("refusedPeople"))} people were refused one by one ({string.Join(", ", parts)})";
    }

    private static string Agenda(string? agenda) => agenda is null ? "" :
        string.Join(", ", agenda.Split('+').Select(a => a.StartsWith("relief:", StringComparison.Ordinal) ? $"lifting {Words(a["relief:".Length..].Replace('.', ' '))}" : Words(a)));

    /// <summary>camelCase words as plain lower-case words: unverifiedDocuments → unverified documents.</summary>
    public static string Words(string? camel)
    {
        if (string.IsNullOrEmpty(camel)) return "";
        var b = new StringBuilder(camel.Length + 8);
        for (int i = 0; i < camel.Length; i++)
        {
            char c = camel[i];
            if (char.IsUpper(c) && i > 0 && camel[i - 1] != ' ') b.Append(' ');
            b.Append(char.ToLowerInvariant(c));
        }
        return b.ToString();
    }

    private static string N(SimEvent e, string key) => e.Fields?.FirstOrDefault(f => f.Key == key) is { Number: { } n } ? F(n) : e.Text(key) ?? "?";

    private static string P(SimEvent e, string key) => (e.Number(key) * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string F(double v) => Math.Abs(v) >= 100 || v == Math.Round(v)
        ? v.ToString("#,0", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);
}
