namespace SovereigntySim.Domain.Agents;

/// <summary>
/// What a booking rule looks at in a person: whether the removal order is final, whether they are a third-country
/// national, and their documents. Sixteen classes; people in one class are all bookable under a rule or none are.
/// </summary>
public readonly record struct BookingClass(bool FinalOrder, bool ThirdCountry, DocumentStatus Documents)
{
    public const int Count = 16;

    public int Index => (FinalOrder ? 0 : 1) | (ThirdCountry ? 2 : 0) | ((int)Documents << 2);

    public static BookingClass Of(int index) => new((index & 1) == 0, (index & 2) != 0, (DocumentStatus)(index >> 2));

    /// <summary>The classes a predicate accepts, as a bit mask.</summary>
    public static int Mask(Func<BookingClass, bool> accepts)
    {
        int mask = 0;
        for (int c = 0; c < Count; c++) if (accepts(Of(c))) mask |= 1 << c;
        return mask;
    }
}

/// <summary>
/// The removable people of a caseload in booking order (a unique key: admission tick, then index), kept in one heap
/// per <see cref="BookingClass"/>. A flight whose rules skip most of the queue (a receiving state that takes only
/// verified documents, say) then takes its seats from the classes it can book, instead of lifting and putting back
/// everyone it cannot: that was the larger part of a ten-million-person run. Entries are lazy, as before: one can be
/// stale (the person booked meanwhile, or their class changed), and is dropped when met. The order a merge over the
/// heaps yields is the single heap's order, since a key (admission tick, then index) belongs to one person.
/// </summary>
public sealed class RemovableQueue
{
    private readonly PriorityQueue<int, long>[] _heaps = Enumerable.Range(0, BookingClass.Count).Select(_ => new PriorityQueue<int, long>()).ToArray();

    public int Count => _heaps.Sum(h => h.Count);

    public void Enqueue(int person, long key, int bookingClass) => _heaps[bookingClass].Enqueue(person, key);

    /// <summary>The person first in line among the classes in <paramref name="mask"/> who is still removable and still
    /// of the class the entry was filed under. Other entries are stale and dropped: a person changes class only while
    /// out of the queue (a document issued, an order made final) and comes back with a fresh entry under the new class,
    /// with the same key, since the key is their admission.</summary>
    public bool TryTake(int mask, Func<int, bool> isRemovable, Func<int, int> classOf, out int person)
    {
        while (TryDequeue(mask, out person, out int filed))
            if (isRemovable(person) && classOf(person) == filed) return true;
        return false;
    }

    private bool TryDequeue(int mask, out int person, out int bookingClass)
    {
        bookingClass = -1;
        long lowest = long.MaxValue;
        for (int c = 0; c < BookingClass.Count; c++)
            if ((mask & (1 << c)) != 0 && _heaps[c].TryPeek(out _, out long k) && k < lowest) (bookingClass, lowest) = (c, k);
        if (bookingClass < 0)
        {
            person = 0;
            return false;
        }
        return _heaps[bookingClass].TryDequeue(out person, out _);
    }

    /// <summary>Marks in <paramref name="people"/> (a bit per person) everyone with an entry, valid or stale: what a
    /// checkpoint keeps. An entry's key is its person's admission and index, and its class is found again from the
    /// person as it is put back (a stale one stays stale), so the set of people is the queue; an entry twice for one
    /// person yields that person once either way.</summary>
    public void MarkPeople(Span<ulong> people)
    {
        foreach (var heap in _heaps)
            foreach (var (person, _) in heap.UnorderedItems) people[person >> 6] |= 1UL << (person & 63);
    }

    public void Clear()
    {
        foreach (var h in _heaps) h.Clear();
    }
}
