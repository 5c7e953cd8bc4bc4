using SovereigntySim.Domain.Checkpoints;

namespace SovereigntySim.Domain.Agents;

public sealed partial class Caseload
{
    // The bulk of a large run's checkpoint: columns and queues go as raw arrays, so a million migrants cost a few
    // memory copies rather than a million writes.
    public override int StateSizeHint => (int)Math.Min(int.MaxValue / 2, _m.StateSizeHint + _m.Count / 8 + 12L * _due.Count + 4L * (_byAdmission.Count + _releaseLater.Count) + 1024);

    protected override void SaveState(CheckpointWriter w)
    {
        _m.Save(w);
        _log.AssertFlushed(Id);
        WriteRemovable(w);
        WriteQueue(w, _due.Count, _due.UnorderedItems.Select(e => (e.Element, e.Priority)));
        w.WriteList(_byAdmission);
        w.Write(_releaseHead);
        w.WriteList(_releaseLater);
        w.Write(_detained);
        w.Write(_lastAccountTick);
        w.Write(_bedTicks);
        w.Write(_deferred);
        w.WriteNullable(_flight);
    }

    protected override void RestoreState(CheckpointReader r)
    {
        _m.Restore(r);
        ReadRemovable(r);
        _due.Clear();
        ReadQueue(r, (i, key) => _due.Enqueue(i, key));
        r.ReadList(_byAdmission);
        _releaseHead = r.ReadInt32();
        r.ReadList(_releaseLater);
        _detained = r.ReadInt32();
        _lastAccountTick = r.ReadInt64();
        _bedTicks = r.ReadDouble();
        _deferred = r.ReadInt64();
        _flight = r.ReadNullableString();
    }

    // A queue as two columns, elements and keys. Keys are unique, so the order the queue yields does not depend on
    // the order its entries are put back in. The columns are rented: a weekly checkpoint of a large run would
    // otherwise leave tens of megabytes of large arrays behind for the collector every time.
    private static void WriteQueue(CheckpointWriter w, int n, IEnumerable<(int Element, long Key)> entries)
    {
        var elements = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        var keys = System.Buffers.ArrayPool<long>.Shared.Rent(n);
        int i = 0;
        foreach (var (e, k) in entries) (elements[i], keys[i++]) = (e, k);
        w.WriteSpan<int>(elements.AsSpan(0, n));
        w.WriteSpan<long>(keys.AsSpan(0, n));
        System.Buffers.ArrayPool<int>.Shared.Return(elements);
        System.Buffers.ArrayPool<long>.Shared.Return(keys);
    }

    // The removable queue as a bit per person: its entries' keys and classes follow from the people (MakeRemovable),
    // and a bit changes only where someone joined or left the queue, so an incremental checkpoint writes a few blocks
    // of it where twelve bytes an entry in heap order changed nearly all of them every week.
    private void WriteRemovable(CheckpointWriter w)
    {
        int words = (_m.Count + 63) / 64;
        var bits = System.Buffers.ArrayPool<ulong>.Shared.Rent(words);
        var people = bits.AsSpan(0, words);
        people.Clear();
        _removable.MarkPeople(people);
        w.WriteSpan<ulong>(people);
        System.Buffers.ArrayPool<ulong>.Shared.Return(bits);
    }

    private void ReadRemovable(CheckpointReader r)
    {
        var people = r.ReadArray<ulong>();
        if (people.Length != (_m.Count + 63) / 64) throw new CheckpointException("corrupt checkpoint: a removable queue for another number of people");
        _removable.Clear();
        for (int word = 0; word < people.Length; word++)
            for (ulong bits = people[word]; bits != 0; bits &= bits - 1)
            {
                int i = word * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits);
                _removable.Enqueue(i, Key(_m.Admitted[i], i), ClassOf(i));
            }
    }

    private static void ReadQueue(CheckpointReader r, Action<int, long> enqueue)
    {
        var elements = r.ReadArray<int>();
        var keys = r.ReadArray<long>();
        if (elements.Length != keys.Length) throw new CheckpointException("corrupt checkpoint: a queue with more elements than priorities");
        for (int i = 0; i < elements.Length; i++) enqueue(elements[i], keys[i]);
    }
}

public sealed partial class MigrantTable
{
    public long StateSizeHint => 48L * Count + 20L * _historyCount + 64L * _flights.Count;

    public void Save(CheckpointWriter w)
    {
        int n = Count;
        w.Write(n);
        w.WriteSpan<long>(Admitted.AsSpan(0, n));
        w.WriteSpan<long>(DueTick.AsSpan(0, n));
        w.WriteSpan<MigrantStatus>(Status.AsSpan(0, n));
        w.WriteSpan<DocumentStatus>(Documents.AsSpan(0, n));
        w.WriteSpan<LegalStatus>(Legal.AsSpan(0, n));
        w.WriteSpan<Vulnerability>(Vulnerabilities.AsSpan(0, n));
        w.WriteSpan<byte>(Nationality.AsSpan(0, n));
        w.WriteSpan<bool>(NeedsReverification.AsSpan(0, n));
        w.WriteSpan<bool>(IdentitySettled.AsSpan(0, n));
        w.WriteSpan<byte>(Refusals.AsSpan(0, n));
        w.WriteSpan<uint>(RandomCounter.AsSpan(0, n));
        w.WriteSpan<int>(_lastHistory.AsSpan(0, n));
        w.WriteSpan<HistoryEntry>(_history.AsSpan(0, _historyCount));
        w.WriteStrings(_flights);
    }

    public void Restore(CheckpointReader r)
    {
        int n = r.ReadInt32();
        // Every column must hold exactly the count: a shorter one is a corrupt checkpoint.
        void Column<T>(ref T[] column) where T : unmanaged
        {
            if (r.ReadInto(ref column) != n) throw new CheckpointException("corrupt checkpoint: migrant columns of different lengths");
        }
        Column(ref Admitted);
        Column(ref DueTick);
        Column(ref Status);
        Column(ref Documents);
        Column(ref Legal);
        Column(ref Vulnerabilities);
        Column(ref Nationality);
        Column(ref NeedsReverification);
        Column(ref IdentitySettled);
        Column(ref Refusals);
        Column(ref RandomCounter);
        Column(ref _lastHistory);
        Count = n;
        _historyCount = r.ReadInto(ref _history);
        _flights.Clear();
        _flightIndex.Clear();
        foreach (var f in r.ReadStrings())
        {
            _flightIndex[f] = _flights.Count;
            _flights.Add(f);
        }
    }
}

public sealed partial class MigrantLog
{
    /// <summary>Caseloads flush their migrant-events at the end of every batch, so between slices nothing is pending;
    /// anything else would be lost by a checkpoint.</summary>
    public void AssertFlushed(string actor)
    {
        if (_total != 0 || _used != 0)
            throw new InvalidOperationException($"{actor} has {_total} migrant-events not yet logged at a checkpoint: they would be lost");
    }
}
