using SovereigntySim.Domain.Bargaining;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// Hosts the alternating-offers protocol (Rubinstein 1982; the stacked alternating offers of NegMAS/GENIUS) between
/// two foreign ministries: one offer per round, the other side accepts or counters. It ends in an agreement (whose
/// terms become policy), a breakdown (a side walks away) or the deadline, and records both utilities and the Nash
/// product of the deal. Every answer is logged with the numbers its ministry decided on. Talks that ended resume when
/// a ministry asks; the dispute's clock, which the ministries concede by, runs from its first negotiation to its
/// agreement.
/// </summary>
public sealed partial class Negotiation : Agent
{
    private readonly string _sending, _receiving;
    private IssueSpace _space;
    private IReadOnlyList<Issue>? _issues;
    private bool _open;
    private long _opened, _deadline;
    private long? _disputeOpened;
    private int _round;
    private bool _sendingTurn;
    private Terms? _onTable;
    private long _onTableSince;

    public Negotiation(string id, World world) : base(id, world)
    {
        (_sending, _receiving) = AgentIds.PartiesOf(id);
        _space = new IssueSpace(world.Negotiation);
    }

    /// <summary>The agenda of the grievance's terms (every flight condition when none is known), the payment the
    /// receiving state asked for, if it did, and the linked instruments: of the administrations in office now.</summary>
    private Agenda AgendaOf(IReadOnlyList<Issue> issues)
    {
        var spec = World.SpecAt(Now);
        return new(Grievance.PaymentAsked(spec, _sending, _receiving) ? issues.Append(Issue.Payment).Distinct().Order().ToList() : issues,
            Grievance.Measures(spec, _sending, _receiving));
    }

    private MinistrySpec? SendingMinistry => World.MinistryOf(_sending);
    private MinistrySpec? ReceivingMinistry => World.MinistryOf(_receiving);

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case OpenNegotiation o:
                // A new dispute brings its own agenda.
                if (!_open) _issues = o.Issues ?? _issues;
                Open(o.Cause);
                break;
            case GrievanceGrew g: Extend(g.Issues); break;
            case ScriptedEvent s:
                // Scripted talks are about what their stated reasons raise; without one, the whole package.
                if (!_open) _issues = s.Spec.Reasons.Count > 0 ? [.. s.Spec.Reasons.SelectMany(Grievance.IssuesOf).Distinct().Order()] : null;
                Open(s.Spec.Note.Length > 0 ? s.Spec.Note : "scripted");
                break;
            case ResumeNegotiation r when !_open:
                Log(EventKinds.NegotiationResumed, null, [$"resumed by {r.By}"], [Field.Of(EventFields.By, r.By), .. r.Why]);
                Open($"resumed by {r.By}");
                break;
            case Wake { Purpose: "round" } w when _open && w.Ref == _round: Round(); break;
            case OfferResponse r when _open && r.Round == _round: Answered(r); break;
        }
    }

    private void Open(string cause)
    {
        if (_open) return;
        if (SendingMinistry is null || ReceivingMinistry is null)
        {
            Log(EventKinds.NegotiationUnavailable, null, ["noForeignMinistry"]);
            foreach (var c in new[] { _receiving, _sending }.Order(StringComparer.Ordinal))
                Send(AgentIds.Country(c), new NegotiationEnded(_sending, _receiving, NegotiationOutcomes.Unavailable));
            return;
        }
        _open = true;
        _opened = Now;
        _space = new IssueSpace(World.Negotiation, AgendaOf(_issues is { Count: > 0 } given ? given : Agenda.Classic));
        _disputeOpened ??= Now;
        _deadline = Now + Clock.TicksForDays(World.Negotiation.DeadlineDays);
        _round = 1;
        _onTable = null;
        _sendingTurn = World.Negotiation.FirstMover == FirstMover.Sending;
        Log(EventKinds.NegotiationOpened, null, [cause], Field.Of(EventFields.Sending, _sending), Field.Of(EventFields.Receiving, _receiving),
            Field.Of("deadline", Clock.Iso(_deadline)), Field.Of("agenda", _space.Agenda.ToString()));
        foreach (var c in new[] { _receiving, _sending }.Order(StringComparer.Ordinal))
            Send(AgentIds.Country(c), new NegotiationOpened(_sending, _receiving));
        // The first round starts once both states have briefed their ministries.
        WakeAt(Now + 1, "round", _round);
    }

    /// <summary>Refusals for new reasons during the dispute put their terms on the agenda: of the talks under way (the
    /// offer on the table lapses, the next side makes a fresh one), or of the next resumption.</summary>
    private void Extend(IReadOnlyList<Issue> raised)
    {
        var current = _issues is { Count: > 0 } given ? given : Agenda.Classic;
        var union = current.Union(raised).Order().ToList();
        if (union.Count == current.Count) return;
        _issues = union;
        if (!_open) return;
        _space = new IssueSpace(World.Negotiation, AgendaOf(union));
        _onTable = null;
        Log(EventKinds.NegotiationAgendaExtended, null, null, Field.Of("agenda", _space.Agenda.ToString()), Field.Of(EventFields.Round, _round));
    }

    private void Round()
    {
        if (Now >= _deadline) { End(NegotiationOutcomes.Deadline); return; }
        var ministry = _sendingTurn ? SendingMinistry! : ReceivingMinistry!;
        long since = _disputeOpened!.Value;
        Send(AgentIds.Ministry(ministry.Id), new OfferRequest(_sendingTurn ? _receiving : _sending, _sendingTurn, _round, _onTable,
            Clock.Hours(Now - since), Clock.Hours(_onTableSince - since), _space.Agenda));
    }

    private (double Sending, double Receiving) Utilities(Terms terms)
    {
        var x = _space.Positions(terms);
        return (new Utility(SendingMinistry!.WeightsAs(true), true, _space.Agenda).Of(x), new Utility(ReceivingMinistry!.WeightsAs(false), false, _space.Agenda).Of(x));
    }

    private void Answered(OfferResponse r)
    {
        string by = _sendingTurn ? _sending : _receiving;
        if (r.Accept && _onTable is { } deal)
        {
            var (us, ur) = Utilities(deal);
            double nash = Nash.Product(us, SendingMinistry!.ReservationValue, ur, ReceivingMinistry!.ReservationValue);
            Log(EventKinds.NegotiationAgreement, null, [$"accepted by {by}"],
            [
                Field.Of(EventFields.Round, _round), Field.Of(EventFields.Day, Clock.DayIndex(Now) + 1), Field.Of(EventFields.HoursOpen, Clock.Hours(Now - _opened)),
                Field.Of("hoursInDispute", Clock.Hours(Now - _disputeOpened!.Value)),
                Field.Of(EventFields.UtilitySending, Math.Round(us, 6)), Field.Of(EventFields.UtilityReceiving, Math.Round(ur, 6)),
                Field.Of(EventFields.NashProduct, Math.Round(nash, 6)), Field.Of(EventFields.Terms, deal.ToString()), .. deal.Fields(), .. r.Why,
            ]);
            _disputeOpened = null;
            foreach (var c in new[] { _receiving, _sending }.Order(StringComparer.Ordinal))
                Send(AgentIds.Country(c), new AgreementReached(_sending, _receiving, deal));
            foreach (var m in new[] { SendingMinistry!.Id, ReceivingMinistry!.Id }.Order(StringComparer.Ordinal))
                Send(AgentIds.Ministry(m), new AgreementReached(_sending, _receiving, deal));
            _open = false;
            return;
        }
        if (r.Walkaway) { End(NegotiationOutcomes.Breakdown, by, r.Why); return; }
        // The offer it accepted lapsed when the agenda grew: the same side makes a fresh one.
        if (r.Counter is null) { Round(); return; }
        if (_onTable is not null) Log(EventKinds.NegotiationRejected, null, [$"rejected by {by}"], [Field.Of(EventFields.Round, _round), Field.Of(EventFields.By, by), .. r.Why]);
        _onTable = r.Counter;
        _onTableSince = Now;
        var (s, v) = Utilities(r.Counter!);
        Log(EventKinds.NegotiationOffer, null, null, [Field.Of(EventFields.Round, _round), Field.Of(EventFields.By, by),
            Field.Of(EventFields.UtilitySending, Math.Round(s, 6)), Field.Of(EventFields.UtilityReceiving, Math.Round(v, 6)),
            Field.Of(EventFields.Terms, r.Counter!.ToString()), .. r.Why]);
        _round++;
        _sendingTurn = !_sendingTurn;
        WakeAt(Now + Clock.TicksFor(World.Negotiation.RoundHours), "round", _round);
    }

    private void End(string outcome, string? by = null, IReadOnlyList<Field>? why = null)
    {
        _open = false;
        Log(EventKinds.NegotiationEnded(outcome), null, by is null ? null : [$"walked away: {by}"],
            [Field.Of(EventFields.Round, _round), Field.Of(EventFields.HoursOpen, Clock.Hours(Now - _opened)), .. why ?? []]);
        foreach (var c in new[] { _receiving, _sending }.Order(StringComparer.Ordinal))
            Send(AgentIds.Country(c), new NegotiationEnded(_sending, _receiving, outcome));
        foreach (var m in new[] { SendingMinistry!.Id, ReceivingMinistry!.Id }.Order(StringComparer.Ordinal))
            Send(AgentIds.Ministry(m), new NegotiationEnded(_sending, _receiving, outcome));
    }
}
