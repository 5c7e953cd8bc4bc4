using SovereigntySim.Domain.Agents;
using Xunit;

namespace SovereigntySim.Domain.Tests;

/// <summary>The per-class queue must hand out exactly what one heap did when bookings skipped and put back whom they
/// could not book: the same people, in the same order, whatever the rules and however people move between classes.</summary>
public class RemovableQueueTests
{
    [Fact]
    public void Every_class_maps_to_an_index_and_back()
    {
        for (int c = 0; c < BookingClass.Count; c++) Assert.Equal(c, BookingClass.Of(c).Index);
        Assert.Equal(0b1111_1111_1111_1111, BookingClass.Mask(_ => true));
        Assert.Equal(0, BookingClass.Mask(_ => false));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Bookings_over_classes_equal_one_heap_that_skips_and_puts_back(int seed)
    {
        var random = new Random(seed);
        const int people = 60;
        var cls = new int[people];
        // Each algorithm marks whom it books in its own copy, as the caseload does at once (a duplicate entry of a
        // person already booked in this very booking is then skipped).
        var removable = new bool[people];
        var removableSplit = new bool[people];
        var single = new PriorityQueue<int, long>();
        var split = new RemovableQueue();
        int booked = 0, skippedBookings = 0;
        for (int step = 0; step < 6000; step++)
        {
            int i = random.Next(people);
            switch (random.Next(4))
            {
                case 0 or 1:
                    // Becomes removable (again) with its current class; its key is its admission, as in the caseload.
                    if (removable[i]) break;
                    removableSplit[i] = true;
                    if (random.Next(2) == 0) cls[i] = random.Next(BookingClass.Count); // documents issued, order final...
                    removable[i] = true;
                    long key = ((long)(i % 37) << 32) | (uint)i;
                    single.Enqueue(i, key);
                    split.Enqueue(i, key, cls[i]);
                    break;
                case 2:
                    // Leaves the queue without being taken from it (released, or a step made it detained again).
                    removable[i] = removableSplit[i] = false;
                    break;
                default:
                    int mask = random.Next(1 << BookingClass.Count);
                    int seats = random.Next(1, 8);
                    var one = BookOne(single, mask, seats, cls, removable);
                    Assert.Equal(one, BookSplit(split, mask, seats, cls, removableSplit));
                    booked += one.Count;
                    if (one.Count < seats && single.Count > 0) skippedBookings++;
                    break;
            }
        }
        // The comparison meant something: people were booked, and bookings left people behind that their rules excluded.
        Assert.True(booked > 500, $"{booked} booked");
        Assert.True(skippedBookings > 50, $"{skippedBookings} bookings left people behind");
    }

    // The former algorithm: lift entries in key order, skip and put back whom the rules exclude.
    private static List<int> BookOne(PriorityQueue<int, long> q, int mask, int seats, int[] cls, bool[] removable)
    {
        var booked = new List<int>();
        var skipped = new List<(int, long)>();
        while (booked.Count < seats && q.TryDequeue(out int i, out long key))
        {
            if (!removable[i]) continue;
            if ((mask & (1 << cls[i])) == 0) { skipped.Add((i, key)); continue; }
            booked.Add(i);
            removable[i] = false;
        }
        foreach (var (i, key) in skipped) q.Enqueue(i, key);
        return booked;
    }

    private static List<int> BookSplit(RemovableQueue q, int mask, int seats, int[] cls, bool[] removable)
    {
        var booked = new List<int>();
        while (booked.Count < seats && q.TryTake(mask, i => removable[i], i => cls[i], out int i))
        {
            booked.Add(i);
            removable[i] = false;
        }
        return booked;
    }
}
