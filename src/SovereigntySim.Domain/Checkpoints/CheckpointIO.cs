using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Domain.Checkpoints;

/// <summary>
/// Writes an agent's or the kernel's state for a checkpoint: plain little-endian binary (BinaryWriter), column arrays
/// copied as raw bytes, and the domain's immutable records (terms, specs, messages) as length-prefixed JSON through
/// <see cref="DomainJson"/>, the same encoding that already carries them between silos.
/// </summary>
public sealed class CheckpointWriter(Stream output) : BinaryWriter(output, Encoding.UTF8, leaveOpen: true)
{
    /// <summary>With blocks, the checkpoint is incremental: large columns are written as block names (<see cref="StateBlocks"/>).</summary>
    public StateBlocks? Blocks { get; init; }

    // BinaryWriter copies a span through a rented array when it is subclassed; columns of millions go straight through.
    public override void Write(ReadOnlySpan<byte> buffer) => OutStream.Write(buffer);

    /// <summary>A block id. Not an overload of Write: ulong and the other unsigned types convert to UInt128, and an
    /// overload here would take their calls.</summary>
    public void WriteId(UInt128 value)
    {
        Write((ulong)(value >> 64));
        Write((ulong)value);
    }

    public void WriteNullable(string? value)
    {
        Write(value is not null);
        if (value is not null) Write(value);
    }

    public void WriteNullable(long? value)
    {
        Write(value.HasValue);
        if (value is { } v) Write(v);
    }

    /// <summary>Whether the column goes by block, a length, then the elements as raw bytes (a million migrants'
    /// column costs one copy) or, by block, the names of its blocks.</summary>
    public void WriteSpan<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        bool byBlock = Blocks is not null && bytes.Length >= StateBlocks.Size;
        Write(byBlock);
        Write(values.Length);
        if (byBlock) Blocks!.Write(this, bytes);
        else Write(bytes);
    }

    public void WriteList<T>(List<T> values) where T : unmanaged => WriteSpan<T>(CollectionsMarshal.AsSpan(values));

    public void WriteJson<T>(T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, DomainJson.Options);
        Write(bytes.Length);
        Write(bytes);
    }

    public void WriteStrings(IReadOnlyCollection<string> values)
    {
        Write(values.Count);
        foreach (var v in values) Write(v);
    }

    /// <summary>Entries in enumeration order: read back into an empty dictionary they enumerate in the same order.</summary>
    public void WriteMap<TKey, TValue>(IReadOnlyCollection<KeyValuePair<TKey, TValue>> map, Action<CheckpointWriter, TKey> key, Action<CheckpointWriter, TValue> value)
    {
        Write(map.Count);
        foreach (var (k, v) in map)
        {
            key(this, k);
            value(this, v);
        }
    }

    /// <summary>A priority queue's heap in its array order: enqueued again in that order it rebuilds the same heap.</summary>
    public void WriteQueue<TElement, TPriority>(PriorityQueue<TElement, TPriority> queue, Action<CheckpointWriter, TElement> element, Action<CheckpointWriter, TPriority> priority)
    {
        Write(queue.Count);
        foreach (var (e, p) in queue.UnorderedItems)
        {
            element(this, e);
            priority(this, p);
        }
    }

    public static readonly Action<CheckpointWriter, string> String = (w, v) => w.Write(v);
    public static readonly Action<CheckpointWriter, double> Double = (w, v) => w.Write(v);
    public static readonly Action<CheckpointWriter, int> Int = (w, v) => w.Write(v);
    public static readonly Action<CheckpointWriter, long> Long = (w, v) => w.Write(v);
}

/// <summary>Reads what <see cref="CheckpointWriter"/> wrote; any inconsistency is a corrupt checkpoint.</summary>
public sealed class CheckpointReader(Stream input) : BinaryReader(input, Encoding.UTF8, leaveOpen: true)
{
    // As for the writer: read columns straight from the stream, not through a rented copy.
    public override int Read(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length && BaseStream.Read(buffer[total..]) is var n and > 0) total += n;
        return total;
    }

    /// <summary>The blocks an incremental checkpoint's columns name (<see cref="StateBlocks"/>), by id.</summary>
    public IReadOnlyDictionary<UInt128, byte[]>? Blocks { get; init; }

    public UInt128 ReadUInt128()
    {
        ulong high = ReadUInt64();
        return new UInt128(high, ReadUInt64());
    }

    public string? ReadNullableString() => ReadBoolean() ? ReadString() : null;

    public long? ReadNullableInt64() => ReadBoolean() ? ReadInt64() : null;

    public int ReadCount()
    {
        int n = ReadInt32();
        if (n < 0 || n > BaseStream.Length) throw new CheckpointException($"corrupt checkpoint: a count of {n}");
        return n;
    }

    public T[] ReadArray<T>() where T : unmanaged
    {
        bool byBlock = ReadColumnLength<T>(out int n);
        var values = new T[n];
        ReadSpan<T>(values, byBlock);
        return values;
    }

    /// <summary>Reads a span written by <see cref="CheckpointWriter.WriteSpan{T}"/> into the start of <paramref name="target"/>
    /// (grown as needed); returns the number of elements.</summary>
    public int ReadInto<T>(ref T[] target) where T : unmanaged
    {
        bool byBlock = ReadColumnLength<T>(out int n);
        if (target.Length < n) Array.Resize(ref target, Math.Max(n, 16));
        ReadSpan(target.AsSpan(0, n), byBlock);
        return n;
    }

    /// <summary>Whether a column goes by block, and its length, which must fit in what there is to read.</summary>
    private bool ReadColumnLength<T>(out int n) where T : unmanaged
    {
        bool byBlock = ReadBoolean();
        n = ReadInt32();
        long available = byBlock ? (long)(Blocks?.Count ?? 0) * StateBlocks.Size : BaseStream.Length;
        if (n < 0 || (long)n * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() > available) throw new CheckpointException($"corrupt checkpoint: a column of {n} elements");
        return byBlock;
    }

    private void ReadSpan<T>(Span<T> target, bool byBlock) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(target);
        if (!byBlock)
        {
            if (Read(bytes) != bytes.Length) throw new CheckpointException("corrupt checkpoint: it ends in the middle of a column");
            return;
        }
        for (int at = 0; at < bytes.Length; at += StateBlocks.Size)
        {
            var id = ReadUInt128();
            int length = Math.Min(StateBlocks.Size, bytes.Length - at);
            if (Blocks is null || !Blocks.TryGetValue(id, out var block) || block.Length != length)
                throw new CheckpointException($"corrupt checkpoint: block {id:x32} of a column is missing or of the wrong length");
            block.CopyTo(bytes[at..]);
        }
    }

    public void ReadList<T>(List<T> target) where T : unmanaged
    {
        target.Clear();
        target.AddRange(ReadArray<T>());
    }

    public T ReadJson<T>()
    {
        var bytes = ReadBytes(ReadCount());
        return JsonSerializer.Deserialize<T>(bytes, DomainJson.Options) ?? throw new CheckpointException($"corrupt checkpoint: a null {typeof(T).Name}");
    }

    public List<string> ReadStrings()
    {
        int n = ReadCount();
        var list = new List<string>(n);
        for (int i = 0; i < n; i++) list.Add(ReadString());
        return list;
    }

    public void ReadMap<TKey, TValue>(IDictionary<TKey, TValue> target, Func<CheckpointReader, TKey> key, Func<CheckpointReader, TValue> value)
    {
        target.Clear();
        int n = ReadCount();
        for (int i = 0; i < n; i++)
        {
            var k = key(this);
            target.Add(k, value(this));
        }
    }

    public void ReadQueue<TElement, TPriority>(PriorityQueue<TElement, TPriority> target, Func<CheckpointReader, TElement> element, Func<CheckpointReader, TPriority> priority)
    {
        target.Clear();
        int n = ReadCount();
        for (int i = 0; i < n; i++)
        {
            var e = element(this);
            target.Enqueue(e, priority(this));
        }
    }

    public static readonly Func<CheckpointReader, string> String = r => r.ReadString();
    public static readonly Func<CheckpointReader, double> Double = r => r.ReadDouble();
    public static readonly Func<CheckpointReader, int> Int = r => r.ReadInt32();
    public static readonly Func<CheckpointReader, long> Long = r => r.ReadInt64();
}

/// <summary>A checkpoint that is missing, corrupt, or does not belong to the run it is asked to resume.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// JSON for the domain's records. Messages are polymorphic: every IMessage implementation of the domain is registered
/// by name, found by reflection so none can be forgotten. Used between silos (Hosting's DomainSerialization) and for
/// the records inside checkpoints.
/// </summary>
public static class DomainJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var messageTypes = typeof(World).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Type != typeof(IMessage)) return;
            info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$m" };
            foreach (var t in messageTypes) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(t, t.Name));
        });
        return new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
    }
}

/// <summary>Byte arrays of state, and reading them back whole.</summary>
public static class StateBytes
{
    /// <param name="blocks">For an incremental checkpoint: large columns go as block names, new blocks to it.</param>
    public static byte[] Of(Action<CheckpointWriter> save, int sizeHint = 256, StateBlocks? blocks = null)
    {
        using var stream = new MemoryStream(sizeHint);
        using (var w = new CheckpointWriter(stream) { Blocks = blocks }) save(w);
        // The buffer itself when the hint was exact, else a copy of what was written.
        return stream.Length == stream.GetBuffer().Length ? stream.GetBuffer() : stream.ToArray();
    }

    /// <summary>Reads <paramref name="bytes"/> with <paramref name="restore"/>, which must consume them exactly.</summary>
    public static void Read(byte[] bytes, string what, Action<CheckpointReader> restore, IReadOnlyDictionary<UInt128, byte[]>? blocks = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var r = new CheckpointReader(stream) { Blocks = blocks };
        try { restore(r); }
        catch (EndOfStreamException e) { throw new CheckpointException($"corrupt checkpoint: the state of {what} ends early", e); }
        catch (System.Text.Json.JsonException e) { throw new CheckpointException($"corrupt checkpoint: the state of {what} holds bad JSON", e); }
        if (stream.Position != stream.Length) throw new CheckpointException($"corrupt checkpoint: the state of {what} has {stream.Length - stream.Position} bytes too many");
    }
}
