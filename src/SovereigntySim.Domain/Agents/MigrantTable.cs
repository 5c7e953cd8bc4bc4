namespace SovereigntySim.Domain.Agents;

/// <summary>Migrants stored column by column (about 40 bytes each, plus 16 per history entry), indexed by local
/// number; with queues and the runtime, about 250 bytes a migrant in all (docs/performance.md).</summary>
public sealed partial class MigrantTable
{
    public int Count { get; private set; }
    public long[] Admitted = new long[16];
    public long[] DueTick = new long[16];
    public MigrantStatus[] Status = new MigrantStatus[16];
    public DocumentStatus[] Documents = new DocumentStatus[16];
    public LegalStatus[] Legal = new LegalStatus[16];
    public Vulnerability[] Vulnerabilities = new Vulnerability[16];
    /// <summary>0: the destination's nationality; k: the k-th third-country nationality of the population.</summary>
    public byte[] Nationality = new byte[16];
    public bool[] NeedsReverification = new bool[16];
    /// <summary>A case-by-case review settled the person's identity: not disputed again.</summary>
    public bool[] IdentitySettled = new bool[16];
    public byte[] Refusals = new byte[16];
    public uint[] RandomCounter = new uint[16];
    private int[] _lastHistory = new int[16];

    private HistoryEntry[] _history = new HistoryEntry[64];
    private int _historyCount;
    private readonly List<string> _flights = [];
    private readonly Dictionary<string, int> _flightIndex = new(StringComparer.Ordinal);

    public int Add(long admitted)
    {
        if (Count == Admitted.Length) Grow();
        int i = Count++;
        Admitted[i] = admitted;
        _lastHistory[i] = -1;
        return i;
    }

    private void Grow()
    {
        int n = Admitted.Length * 2;
        Array.Resize(ref Admitted, n);
        Array.Resize(ref DueTick, n);
        Array.Resize(ref Status, n);
        Array.Resize(ref Documents, n);
        Array.Resize(ref Legal, n);
        Array.Resize(ref Vulnerabilities, n);
        Array.Resize(ref Nationality, n);
        Array.Resize(ref NeedsReverification, n);
        Array.Resize(ref IdentitySettled, n);
        Array.Resize(ref Refusals, n);
        Array.Resize(ref RandomCounter, n);
        Array.Resize(ref _lastHistory, n);
    }

    public void AddHistory(int i, long tick, MigrantEventKind kind, Reason reason, string? flight)
    {
        if (_historyCount == _history.Length) Array.Resize(ref _history, _history.Length * 2);
        int f = -1;
        if (flight is not null && !_flightIndex.TryGetValue(flight, out f))
        {
            f = _flights.Count;
            _flights.Add(flight);
            _flightIndex[flight] = f;
        }
        _history[_historyCount] = new HistoryEntry((int)tick, kind, reason, f, _lastHistory[i]);
        _lastHistory[i] = _historyCount++;
    }

    public IEnumerable<(long Tick, MigrantEventKind Kind, Reason Reason, string? Flight)> History(int i)
    {
        var list = new List<(long, MigrantEventKind, Reason, string?)>();
        for (int h = _lastHistory[i]; h >= 0; h = _history[h].Previous)
        {
            var e = _history[h];
            list.Add((e.Tick, e.Kind, e.Reason, e.Flight < 0 ? null : _flights[e.Flight]));
        }
        list.Reverse();
        return list;
    }

    private readonly record struct HistoryEntry(int Tick, MigrantEventKind Kind, Reason Reason, int Flight, int Previous);
}
