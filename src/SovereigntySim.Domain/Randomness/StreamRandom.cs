namespace SovereigntySim.Domain.Randomness;

/// <summary>
/// A counter-based random stream: the n-th draw of stream k is SplitMix64(k + n·γ), a pure function of (key, n).
/// Its whole state is two integers, so every agent (and each of a million migrants) can own a stream that is
/// cheap to store, to move between silos and to resume, and draws never depend on thread timing.
/// It derives from System.Random so MathNet.Numerics distributions can sample from it.
/// </summary>
public sealed class StreamRandom : Random
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public ulong Key { get; private set; }
    public ulong Counter { get; private set; }

    public StreamRandom(ulong key, ulong counter = 0) : base(0)
    {
        Key = key;
        Counter = counter;
    }

    /// <summary>Points the stream at another (key, counter) so one instance can serve many migrants.</summary>
    public StreamRandom Position(ulong key, ulong counter)
    {
        Key = key;
        Counter = counter;
        return this;
    }

    public ulong NextUInt64() => Mix(Key + ++Counter * Gamma);

    // 53 random bits in [0, 1).
    protected override double Sample() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
    public override double NextDouble() => Sample();
    // Multiply-shift maps 32 random bits onto [0, range) without division.
    private uint Below(ulong range) => (uint)(((NextUInt64() >> 32) * range) >> 32);
    public override int Next() => (int)Below(int.MaxValue);
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)Below((ulong)maxValue);
    }
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)Below((ulong)((long)maxValue - minValue)));
    }
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(NextUInt64() >> 56);
    }

    public bool Bernoulli(double p) => p > 0 && (p >= 1 || Sample() < p);

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Derives stream keys from the scenario seed, so streams are independent of creation order.</summary>
public static class Seeds
{
    public static ulong ForAgent(long seed, string agentId)
    {
        // FNV-1a over the id, then mixed with the seed: stable across processes and machines.
        ulong h = 14695981039346656037UL;
        foreach (char c in agentId)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return StreamRandom.Mix(h ^ StreamRandom.Mix((ulong)seed + 0x632BE59BD9B4E019UL));
    }

    public static ulong ForMigrant(long seed, long migrantId) =>
        StreamRandom.Mix(StreamRandom.Mix((ulong)migrantId ^ 0xD1B54A32D192ED03UL) ^ StreamRandom.Mix((ulong)seed));
}
