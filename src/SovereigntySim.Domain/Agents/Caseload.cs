using MathNet.Numerics.Distributions;
using SovereigntySim.Domain.Randomness;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Domain.Screening;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Agents;

/// <summary>
/// The caseload of one detention facility for one destination (or a partition of it): every migrant with their
/// own state, random stream and history, held column-wise so a million fit in memory and only the migrants with
/// something due are touched. Daily it detains new arrivals, advances legal tracks (appeals, asylum, travel
/// documents) and releases those at the legal limit of detention; on request it books the longest-held removable
/// people on a flight and takes back what screening decided for each of them.
/// </summary>
public sealed partial class Caseload : Agent
{
    private readonly CaseloadInfo _info;
    private readonly PopulationSpec _pop;
    private readonly FacilitySpec _facility;
    private readonly EnforcementSpec _enforcement;
    private readonly MigrantTable _m = new();
    private readonly MigrantLog _log;
    private readonly StreamRandom _migrantRandom = new(0);
    private readonly int _capacity;
    private readonly long _limitTicks;
    private readonly double[] _documentMix, _legalMix;

    // Removable people by (admission, index): the longest held fly first, and keep that priority when re-booked.
    private readonly RemovableQueue _removable = new();
    private readonly Func<int, bool> _isRemovable;
    private readonly Func<int, int> _classOf;
    // Legal and administrative steps due, by (tick, index).
    private readonly PriorityQueue<int, long> _due = new();
    // Everyone in admission order, for release at the detention limit.
    private readonly List<int> _byAdmission = [];
    private int _releaseHead;
    private readonly List<int> _releaseLater = [];

    private int _detained;
    private long _lastAccountTick;
    private double _bedTicks;
    private long _deferred;
    private string? _flight;

    public Caseload(string id, World world) : base(id, world)
    {
        _info = world.CaseloadsByAgent[id];
        _pop = _info.Population;
        _facility = world.Facilities[_pop.Facility];
        _enforcement = world.Enforcement[_facility.Agency];
        _log = new MigrantLog(world.Spec.Output.MigrantEvents, Log);
        _limitTicks = Clock.TicksForDays(_enforcement.DetentionLimitDays);
        // Beds are shared among the facility's caseloads in proportion to their expected load.
        var atFacility = world.Caseloads.Where(c => c.Population.Facility == _pop.Facility).ToList();
        double Load(PopulationSpec p) => (p.Initial + 30 * p.ArrivalsPerDay) / p.Partitions + 1;
        _capacity = (int)Math.Max(1, Math.Floor(_facility.Capacity * Load(_pop) / atFacility.Sum(c => Load(c.Population))));
        _documentMix = [_pop.Documents.Verified, _pop.Documents.Partial, _pop.Documents.Missing, _pop.Documents.Disputed];
        _legalMix = [_pop.LegalStatus.FinalOrder, _pop.LegalStatus.PendingAppeal, _pop.LegalStatus.AsylumClaim];
        _isRemovable = i => _m.Status[i] == MigrantStatus.Removable;
        _classOf = ClassOf;
    }

    protected override void On(string from, IMessage message)
    {
        switch (message)
        {
            case Start: Begin(); break;
            case Wake { Purpose: "day" }: Day(); break;
            case SeatRequest r: Book(from, r); break;
            case PassengerOutcomes o: Settle(from, o); break;
        }
    }

    protected override void AfterInbox() => _log.Flush(Now, Id);

    private void Begin()
    {
        int share = _pop.Initial / _pop.Partitions + (_info.Partition < _pop.Initial % _pop.Partitions ? 1 : 0);
        int admitted = Math.Min(share, _capacity);
        // Initial detainees have already spent some time inside; admit them in order of admission.
        var admissions = new long[admitted];
        for (int i = 0; i < admitted; i++) admissions[i] = -(long)Math.Floor(Random.NextDouble() * Clock.TicksForDays(_pop.InitialDetentionMaxDays));
        Array.Sort(admissions);
        foreach (var a in admissions) Admit(a);
        _deferred += share - admitted;
        if (share > admitted) Log(EventKinds.CaseloadOverCapacity, null, null, Field.Of("deferred", share - admitted));
        WakeAt(Clock.DayEnd(Now), "day");
    }

    private void Day()
    {
        Advance();
        ReleaseAtLimit();
        int arrivals = _pop.ArrivalsPerDay <= 0 ? 0 : Poisson.Sample(Random, _pop.ArrivalsPerDay / _pop.Partitions);
        int room = Math.Max(0, _capacity - _detained);
        for (int i = 0; i < Math.Min(arrivals, room); i++) Admit(Now);
        _deferred += Math.Max(0, arrivals - room);
        ReturnByLand();
        // The day's last tick is counted at the current number detained. People who leave later in this tick (a
        // landing in a later round) are accounted from this tick on, so the projection is taken back from the next
        // day: every day is reported within itself and the days sum to the exact integral.
        Account();
        double bedTicks = _bedTicks + _detained;
        _bedTicks = -_detained;
        Log(EventKinds.CaseloadDay, null, null,
            Field.Of("detained", _detained), Field.Of(EventFields.BedDays, bedTicks / Clock.TicksPerDay),
            Field.Of(EventFields.Cost, bedTicks / Clock.TicksPerDay * _facility.DailyCostPerBed), Field.Of(EventFields.DeferredArrests, _deferred));
        _deferred = 0;
        WakeAt(Clock.NextDayEnd(Now), "day");
    }

    /// <summary>
    /// Removals by land to a neighbouring country (most Mexican removals: buses to ports of entry, not flights): the
    /// day's quota leaves longest held first, from the same queue flights book from. Third-country nationals go by land
    /// only where the destination accepts them.
    /// </summary>
    private void ReturnByLand()
    {
        if (_pop.LandReturnsPerDay <= 0) return;
        int quota = Poisson.Sample(Random, _pop.LandReturnsPerDay / _pop.Partitions);
        bool thirdCountry = World.Countries[_pop.Destination].Acceptance.AcceptThirdCountryNationals;
        int mask = BookingClass.Mask(c => thirdCountry || !c.ThirdCountry);
        int returned = 0;
        while (returned < quota && TakeRemovable(mask, out int i))
        {
            Leave(i, MigrantStatus.Removed, MigrantEventKind.Removed, Reason.LandReturn);
            returned++;
        }
        if (returned > 0) Log(EventKinds.CaseloadLandReturns, null, null, Field.Of(EventFields.Destination, _pop.Destination), Field.Of(EventFields.Removed, returned));
    }

    /// <summary>Adds the bed-ticks since the last change; called before every change of the detained count.</summary>
    private void Account()
    {
        _bedTicks += (double)_detained * (Now - _lastAccountTick);
        _lastAccountTick = Now;
    }

    /// <summary>Days to arrange a child's hand-over to the receiving state's child-protection authority.</summary>
    private const double HandOverDays = 14;

    private void Admit(long admissionTick)
    {
        Account();
        int i = _m.Add(admissionTick);
        long id = _info.MigrantId(i);
        var r = _migrantRandom.Position(Seeds.ForMigrant(World.Seed, id), 0);
        if (r.Bernoulli(_pop.ThirdCountryShare))
            _m.Nationality[i] = (byte)(1 + (_pop.ThirdCountryNationalities.Count > 1 ? r.Next(Math.Min(255, _pop.ThirdCountryNationalities.Count)) : 0));
        _m.Documents[i] = (DocumentStatus)Categorical.Sample(r, _documentMix);
        _m.Legal[i] = (LegalStatus)Categorical.Sample(r, _legalMix);
        var v = Vulnerability.None;
        if (r.Bernoulli(_pop.Vulnerabilities.Minor)) v |= Vulnerability.Minor;
        if (r.Bernoulli(_pop.Vulnerabilities.Medical)) v |= Vulnerability.Medical;
        if (r.Bernoulli(_pop.Vulnerabilities.FamilyTies)) v |= Vulnerability.FamilyTies;
        _m.Vulnerabilities[i] = v;
        _m.RandomCounter[i] = (uint)r.Counter;
        _detained++;
        _byAdmission.Add(i);
        Record(i, MigrantEventKind.Detained, Reason.None);
        NextStep(i);
    }

    /// <summary>Decides what the migrant waits for next: a legal decision, a travel document, or a flight.</summary>
    private void NextStep(int i, long notBefore = 0)
    {
        long at = Math.Max(Now, notBefore);
        if (_m.Legal[i] == LegalStatus.PendingAppeal)
            Schedule(i, at + Draw(i, _pop.Process.AppealMeanDays));
        else if (_m.Legal[i] == LegalStatus.AsylumClaim)
            Schedule(i, at + Draw(i, _pop.Process.AsylumMeanDays));
        else if (AwaitsTravelDocument(i))
            Schedule(i, at + Draw(i, _pop.Process.TravelDocumentMeanDays));
        else if (ScreeningRules.Unaccompanied(_m.Vulnerabilities[i]))
        {
            // A child travelling alone is flown only once a hand-over to the receiving state's child-protection
            // authority is arranged (the safe-repatriation duty of the TVPRA, 8 U.S.C. 1232(a)(5)), not put on a plane
            // to be refused at the door.
            _m.Vulnerabilities[i] |= Vulnerability.Escorted;
            Schedule(i, at + Clock.TicksForDays(HandOverDays));
        }
        else if (at > Now)
            Schedule(i, at);
        else
            MakeRemovable(i);
        // Enforcement that books pending cases puts them on the queue at once: the due-process gap advocates flag.
        if (_enforcement.BookPendingCases && _m.Legal[i] != LegalStatus.FinalOrder && !AwaitsTravelDocument(i) && at <= Now)
            MakeRemovable(i);
    }

    /// <summary>A travel document is the receiving state's proof of its own national: a national without one waits for
    /// its consulate. A non-national is flown on the receiving state's admission under a transfer, never on a document
    /// that state would not issue (Panama, Costa Rica, El Salvador, 2025); it waits in the queue until the destination
    /// takes third-country nationals.</summary>
    private bool AwaitsTravelDocument(int i) => _m.Documents[i] == DocumentStatus.Missing && _m.Nationality[i] == 0;

    private long Draw(int i, double meanDays)
    {
        if (meanDays <= 0) return 0;
        var r = MigrantStream(i);
        long ticks = Clock.TicksForDays(Exponential.Sample(r, 1 / meanDays));
        _m.RandomCounter[i] = (uint)r.Counter;
        return ticks;
    }

    private StreamRandom MigrantStream(int i) => _migrantRandom.Position(Seeds.ForMigrant(World.Seed, _info.MigrantId(i)), _m.RandomCounter[i]);

    private void Schedule(int i, long tick)
    {
        _m.Status[i] = MigrantStatus.Detained;
        _m.DueTick[i] = tick;
        _due.Enqueue(i, Key(tick, i));
    }

    // Queue keys order by tick, then by local index; ticks (even the negative admissions of people detained before the
    // start) are offset into 31 bits, indexes take the low 32.
    private const long TickOffset = 1L << 30;
    private static long Key(long tick, int i) => ((tick + TickOffset) << 32) | (uint)i;
    private static long TickOf(long key) => (key >> 32) - TickOffset;

    private void MakeRemovable(int i)
    {
        if (_m.Status[i] == MigrantStatus.Removable) return;
        _m.Status[i] = MigrantStatus.Removable;
        _removable.Enqueue(i, Key(_m.Admitted[i], i), ClassOf(i));
        Record(i, MigrantEventKind.Removable, Reason.None);
    }

    private void Advance()
    {
        while (_due.TryPeek(out int i, out long key) && TickOf(key) <= Now)
        {
            _due.Dequeue();
            if (_m.DueTick[i] != TickOf(key)) continue; // superseded by a later schedule
            if (_m.Status[i] == MigrantStatus.Booked)
            {
                // On a manifest right now (booked with a case pending): the decision waits for the flight's outcome.
                _m.DueTick[i] = Now + Clock.TicksPerDay;
                _due.Enqueue(i, Key(_m.DueTick[i], i));
                continue;
            }
            if (_m.Status[i] != MigrantStatus.Detained && _m.Status[i] != MigrantStatus.Removable) continue;
            switch (_m.Legal[i])
            {
                case LegalStatus.PendingAppeal:
                    if (!Decided(i, _pop.Process.AppealSuccessRate, Reason.AppealGranted, MigrantEventKind.AppealDenied)) continue;
                    break;
                case LegalStatus.AsylumClaim:
                    if (!Decided(i, _pop.Process.AsylumGrantRate, Reason.AsylumGranted, MigrantEventKind.AsylumDenied)) continue;
                    break;
                default:
                    if (_m.Documents[i] == DocumentStatus.Missing || _m.NeedsReverification[i])
                    {
                        _m.Documents[i] = DocumentStatus.Verified;
                        _m.NeedsReverification[i] = false;
                        Record(i, MigrantEventKind.TravelDocumentIssued, Reason.TravelDocument);
                    }
                    break;
            }
            _m.Status[i] = MigrantStatus.Detained;
            NextStep(i);
        }
    }

    /// <summary>A pending case is decided: relief leaves the caseload (false); denial makes the order final (true).</summary>
    private bool Decided(int i, double grantRate, Reason granted, MigrantEventKind denied)
    {
        var r = MigrantStream(i);
        bool relief = r.Bernoulli(grantRate);
        _m.RandomCounter[i] = (uint)r.Counter;
        if (relief)
        {
            Leave(i, MigrantStatus.Relief, MigrantEventKind.ReliefGranted, granted);
            return false;
        }
        _m.Legal[i] = LegalStatus.FinalOrder;
        Record(i, denied, Reason.FinalOrder);
        return true;
    }

    private void ReleaseAtLimit()
    {
        for (int k = _releaseLater.Count - 1; k >= 0; k--)
        {
            int i = _releaseLater[k];
            if (_m.Status[i] == MigrantStatus.Booked) continue;
            _releaseLater.RemoveAt(k);
            if (_m.Status[i] is MigrantStatus.Detained or MigrantStatus.Removable) Leave(i, MigrantStatus.Released, MigrantEventKind.Released, Reason.DetentionLimit);
        }
        while (_releaseHead < _byAdmission.Count && _m.Admitted[_byAdmission[_releaseHead]] + _limitTicks <= Now)
        {
            int i = _byAdmission[_releaseHead++];
            switch (_m.Status[i])
            {
                case MigrantStatus.Detained or MigrantStatus.Removable: Leave(i, MigrantStatus.Released, MigrantEventKind.Released, Reason.DetentionLimit); break;
                case MigrantStatus.Booked: _releaseLater.Add(i); break; // on a flight now; released if it comes back
            }
        }
    }

    private void Leave(int i, MigrantStatus status, MigrantEventKind kind, Reason reason)
    {
        Account();
        _m.Status[i] = status;
        _detained--;
        Record(i, kind, reason);
    }

    private void Book(string flight, SeatRequest request)
    {
        _flight = flight;
        var seats = new List<Passenger>(request.Seats);
        int mask = BookingClass.Mask(c => Bookable(c, request.Rules));
        while (seats.Count < request.Seats && TakeRemovable(mask, out int i))
        {
            _m.Status[i] = MigrantStatus.Booked;
            seats.Add(new Passenger(_info.MigrantId(i), _m.Nationality[i] != 0, _m.Documents[i], _m.Legal[i], _m.Vulnerabilities[i], _m.IdentitySettled[i]));
            Record(i, MigrantEventKind.Booked, Reason.None);
        }
        _flight = null;
        Send(flight, new ManifestPart(seats));
    }

    private int ClassOf(int i) => new BookingClass(_m.Legal[i] == LegalStatus.FinalOrder, _m.Nationality[i] != 0, _m.Documents[i]).Index;

    private bool TakeRemovable(int mask, out int i) => _removable.TryTake(mask, _isRemovable, _classOf, out i);

    private static bool Bookable(BookingClass c, BookingRules rules)
    {
        if (!c.FinalOrder && !rules.BookPendingCases) return false;
        if (rules.KnownRefusesThirdCountry && c.ThirdCountry) return false;
        // A non-national the destination takes under a transfer is admitted as such: its documents are not checked.
        if (rules.KnownStandard is { } standard && !c.ThirdCountry)
        {
            var d = c.Documents;
            if (d == DocumentStatus.Missing) return false;
            if (standard == DocumentStandard.Verified && d != DocumentStatus.Verified) return false;
            if (standard == DocumentStandard.Partial && d == DocumentStatus.Disputed) return false;
        }
        return true;
    }

    private void Settle(string flight, PassengerOutcomes outcomes)
    {
        _flight = flight;
        foreach (var o in outcomes.Outcomes)
        {
            int i = (int)(uint)o.MigrantId;
            if (_m.Status[i] != MigrantStatus.Booked) continue;
            switch (o.Fate)
            {
                case PassengerFate.Removed:
                    Leave(i, MigrantStatus.Removed, MigrantEventKind.Removed, Reason.None);
                    break;
                case PassengerFate.Returned:
                    _m.Status[i] = MigrantStatus.Detained;
                    Record(i, MigrantEventKind.Returned, o.Reason);
                    NextStep(i, Now + Clock.TicksFor(24));
                    break;
                default:
                    _m.Status[i] = MigrantStatus.Detained;
                    if (_m.Refusals[i] < byte.MaxValue) _m.Refusals[i]++;
                    Record(i, MigrantEventKind.Refused, o.Reason);
                    AfterRefusal(i, o.Reason, outcomes.ExpeditedReview);
                    break;
            }
        }
        _flight = null;
    }

    /// <summary>What enforcement must fix before trying again depends on why the person was refused.</summary>
    private void AfterRefusal(int i, Reason reason, bool expeditedReview)
    {
        var r = MigrantStream(i);
        bool appeals = _m.Legal[i] == LegalStatus.FinalOrder && r.Bernoulli(_pop.Process.AppealAfterRefusalRate);
        _m.RandomCounter[i] = (uint)r.Counter;
        if (appeals)
        {
            _m.Legal[i] = LegalStatus.PendingAppeal;
            Record(i, MigrantEventKind.AppealFiled, reason);
            NextStep(i);
            return;
        }
        switch (reason)
        {
            case Reason.MissingDocuments or Reason.UnverifiedDocuments or Reason.DisputedDocuments:
                // A consulate must issue or confirm a travel document first.
                _m.NeedsReverification[i] = true;
                Schedule(i, Now + Draw(i, _pop.Process.TravelDocumentMeanDays));
                break;
            case Reason.PendingLegalProcess:
                // Held until the pending decision, whose step is still queued; never re-booked before it.
                if (_m.DueTick[i] > Now) _m.Status[i] = MigrantStatus.Detained;
                else Schedule(i, Now + Clock.TicksForDays(7));
                break;
            case Reason.DisputedIdentity:
                // Decided case by case: the review settles who the person is, and they can fly again. How long it takes
                // is the receiving state's cooperation: days where it committed to case-by-case review, weeks otherwise.
                _m.IdentitySettled[i] = true;
                Schedule(i, Now + Clock.TicksForDays(expeditedReview ? _pop.Process.ExpeditedReviewDays : _pop.Process.CaseReviewDays));
                break;
            case Reason.ThirdCountryNational:
                Schedule(i, Now + Clock.TicksForDays(30));
                break;
            case Reason.UnaccompaniedMinor:
                _m.Vulnerabilities[i] |= Vulnerability.Escorted; // child-protection hand-over arranged
                Schedule(i, Now + Clock.TicksForDays(HandOverDays));
                break;
            case Reason.MedicalClearance:
                _m.Vulnerabilities[i] &= ~Vulnerability.Medical; // fit-to-fly certificate obtained
                Schedule(i, Now + Clock.TicksForDays(7));
                break;
            default:
                Schedule(i, Now + Clock.TicksFor(24));
                break;
        }
    }

    private string NationalityOf(int i) => _m.Nationality[i] switch
    {
        0 => _pop.Destination,
        var k when k <= _pop.ThirdCountryNationalities.Count => _pop.ThirdCountryNationalities[k - 1],
        _ => "other",
    };

    // Who the person is, packed into 16 bits so even compact logs hash it with every migrant-event.
    private ushort Traits(int i) =>
        (ushort)((int)_m.Documents[i] | (int)_m.Legal[i] << 2 | (int)_m.Vulnerabilities[i] << 4 | _m.Nationality[i] << 8);

    private void Record(int i, MigrantEventKind kind, Reason reason)
    {
        _m.AddHistory(i, Now, kind, reason, _flight);
        // In full logs the detention line says who the person is, so outcomes can be joined to circumstances.
        var who = kind == MigrantEventKind.Detained && _log.Full
            ? new[] { Field.Of("nationality", NationalityOf(i)), Field.Of("documents", Names.Camel(_m.Documents[i])),
                      Field.Of("legal", Names.Camel(_m.Legal[i])), Field.Of("vulnerabilities", Names.Flags(_m.Vulnerabilities[i])) }
            : null;
        _log.Record(Now, Id, _info.MigrantId(i), kind, reason, _flight, Traits(i), who);
    }

    /// <summary>Every migrant of this caseload as a microdata row, in id order.</summary>
    public IReadOnlyList<MigrantRecord> Microdata()
    {
        var rows = new MigrantRecord[_m.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var history = _m.History(i).ToList();
            var last = history.Count > 0 ? history[^1] : default;
            rows[i] = new MigrantRecord(_info.MigrantId(i), NationalityOf(i), _pop.Destination, _pop.Facility, Names.Camel(_m.Status[i]),
                Names.Camel(_m.Documents[i]), Names.Camel(_m.Legal[i]), Names.Flags(_m.Vulnerabilities[i]), _m.Refusals[i], Clock.Iso(_m.Admitted[i]),
                history.Count, history.Count > 0 ? Names.Camel(last.Kind) : null, history.Count > 0 ? Clock.Iso(last.Tick) : null,
                history.Count > 0 && last.Reason != Reason.None ? Names.Camel(last.Reason) : null);
        }
        return rows;
    }

    /// <summary>One migrant's state and history, by local index.</summary>
    public MigrantView? View(long migrantId)
    {
        int i = (int)(uint)migrantId;
        if ((migrantId >> 32) != _info.Index || (uint)i >= (uint)_m.Count) return null;
        return new MigrantView(migrantId, NationalityOf(i), _pop.Destination, _pop.Facility,
            _m.Status[i], _m.Documents[i], _m.Legal[i], _m.Vulnerabilities[i], _m.Refusals[i],
            Clock.Iso(_m.Admitted[i]), _m.History(i).Select(h =>
                new MigrantHistoryEntry(Clock.Iso(h.Tick), Names.Camel(h.Kind), h.Reason == Reason.None ? null : Names.Camel(h.Reason), h.Flight)).ToList());
    }
}

/// <summary>One migrant as a row of microdata: who they are and where they stand at the end of the run.</summary>
public sealed record MigrantRecord(
    long Id, string Nationality, string Destination, string Facility, string Status, string Documents, string Legal, string Vulnerabilities,
    int Refusals, string DetainedSince, int Events, string? LastEvent, string? LastEventAt, string? LastReason);

public sealed record MigrantHistoryEntry(string Time, string Kind, string? Reason, string? Flight);

public sealed record MigrantView(
    long Id, string Nationality, string Destination, string Facility, MigrantStatus Status, DocumentStatus Documents,
    LegalStatus Legal, Vulnerability Vulnerabilities, int Refusals, string DetainedSince, IReadOnlyList<MigrantHistoryEntry> History);
