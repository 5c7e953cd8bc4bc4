using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Grains;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Runs;

/// <summary>Where a checkpoint cuts the run: its tick, the event log's length and SHA-256 up to there, and what ran
/// (the effective scenario's hash and the original provenance, so a resumed run reports where it came from).</summary>
public sealed record CheckpointHeader(string ScenarioSha256, long Seed, long Tick, long LogOffset, string LogSha256, long Events, Provenance Provenance);

public sealed record RunCheckpoint(CheckpointHeader Header, RunSnapshot Snapshot);

/// <summary>
/// checkpoint.bin in a run folder. Layout: "SOVSIMCK", format version, the header as JSON, the kernel's state, every
/// agent's state (id, length, bytes), then the SHA-256 of everything before it, so a torn or altered file is refused.
/// Written to checkpoint.bin.tmp and renamed over the last one: a crash while writing leaves the previous checkpoint.
/// </summary>
public static class CheckpointFile
{
    public const string Name = "checkpoint.bin";
    private const int Version = 1;
    private static readonly byte[] Magic = "SOVSIMCK"u8.ToArray();

    public static string ScenarioHash(ScenarioSpec spec) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ScenarioWriter.Write(spec))));

    public static byte[] Encode(RunCheckpoint checkpoint)
    {
        using var stream = new MemoryStream();
        Encode(checkpoint, stream);
        return stream.ToArray();
    }

    /// <summary>Writes the checkpoint to <paramref name="output"/> as it hashes it: no copy of the whole in memory.</summary>
    public static void Encode(RunCheckpoint checkpoint, Stream output)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashed = new HashingStream(output, hash))
        using (var w = new CheckpointWriter(hashed))
        {
            w.Write(Magic);
            w.Write(Version);
            var header = JsonSerializer.SerializeToUtf8Bytes(checkpoint.Header);
            w.Write(header.Length);
            w.Write(header);
            w.Write(checkpoint.Snapshot.Kernel.Length);
            w.Write(checkpoint.Snapshot.Kernel);
            w.Write(checkpoint.Snapshot.Agents.Count);
            foreach (var a in checkpoint.Snapshot.Agents)
            {
                w.Write(a.AgentId);
                w.Write(a.State.Length);
                w.Write(a.State);
            }
        }
        output.Write(hash.GetHashAndReset());
    }

    /// <summary>Passes writes through to a stream and into a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    public static RunCheckpoint Decode(byte[] bytes, string where)
    {
        if (bytes.Length < Magic.Length + 4 + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException($"{where} is not a SovereigntySim checkpoint");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new CheckpointException($"{where} is corrupt (its checksum does not match: truncated or altered)");
        using var stream = new MemoryStream(bytes, 0, bytes.Length - 32, writable: false);
        using var r = new CheckpointReader(stream);
        try
        {
            r.ReadBytes(Magic.Length);
            int version = r.ReadInt32();
            if (version != Version) throw new CheckpointException($"{where} has format version {version}; this sovsim reads version {Version}");
            var header = JsonSerializer.Deserialize<CheckpointHeader>(r.ReadBytes(r.ReadCount()))
                         ?? throw new CheckpointException($"{where} has no header");
            var kernel = r.ReadBytes(r.ReadCount());
            int n = r.ReadCount();
            var agents = new AgentSnapshot[n];
            for (int i = 0; i < n; i++) agents[i] = new AgentSnapshot(r.ReadString(), r.ReadBytes(r.ReadCount()));
            if (stream.Position != stream.Length) throw new CheckpointException($"{where} is corrupt (bytes after its last agent)");
            return new RunCheckpoint(header, new RunSnapshot(header.Tick, kernel, agents));
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new CheckpointException($"{where} is corrupt ({e.Message})", e);
        }
    }

    /// <summary>Reads and checks a run folder's checkpoint.</summary>
    public static RunCheckpoint Read(string dir)
    {
        var path = Path.Combine(dir, Name);
        if (!File.Exists(path))
            throw new CheckpointException($"{dir} has no {Name}: the run was not checkpointed, or it completed (a completed run's checkpoint is removed)");
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Writes a checkpoint beside the last one and renames it over it; returns its size.</summary>
    public static long Write(string dir, RunCheckpoint checkpoint)
    {
        var path = Path.Combine(dir, Name);
        var temporary = path + ".tmp";
        long length;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Encode(checkpoint, file);
            length = file.Length;
        }
        File.Move(temporary, path, overwrite: true);
        return length;
    }
}

/// <summary>
/// A run's checkpointing: how often (in ticks), where, and the checkpoint it resumes from. Checkpoints are encoded on
/// the pipeline's thread between slices (the state must not move while it is copied) and written to disk in the
/// background while the next slices run; each write waits for the one before.
/// </summary>
/// With <paramref name="maxShare"/> (the default of `sovsim run`), the period stretches to whole multiples of
/// <paramref name="everyTicks"/> whenever the last checkpoint took more than that share of the wall time since the one
/// before, so checkpoints never cost a large run more than about that share.
public sealed class RunCheckpoints(string directory, long everyTicks, RunCheckpoint? resumeFrom = null, double? maxShare = null)
{
    private Task _writing = Task.CompletedTask;
    private readonly System.Diagnostics.Stopwatch _sinceLast = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>The period in use: <see cref="EveryTicks"/> times a whole factor (1 unless stretched).</summary>
    public long PeriodTicks { get; private set; } = everyTicks;

    public string Directory { get; } = directory;
    public long EveryTicks { get; } = everyTicks;
    public RunCheckpoint? From { get; } = resumeFrom;
    /// <summary>The tick of the last checkpoint taken, and how many this run took.</summary>
    public long? LastTick { get; private set; } = resumeFrom?.Header.Tick;
    public int Taken { get; private set; }
    /// <summary>Time spent taking checkpoints on the run's own path (snapshot and encoding).</summary>
    public TimeSpan Cost { get; private set; }

    public async Task SaveAsync(Engines.ISimulationEngine engine, RunRequest request, long tick, EventLogWriter log, long events)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var snapshot = await engine.SnapshotAsync();
        if (snapshot.Tick != tick) throw new InvalidOperationException($"the engine's snapshot is at tick {snapshot.Tick}, the pipeline at {tick}");
        var header = new CheckpointHeader(CheckpointFile.ScenarioHash(request.Spec), request.Spec.Seed, tick, log.Length, log.Digest(), events, request.Provenance);
        // The snapshot's arrays are the agents' own copies and never change: encoding, hashing and writing them can go
        // on beside the next slices. Only one write at a time.
        await _writing;
        var taken = watch.Elapsed;
        _writing = Task.Run(() =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            long length = CheckpointFile.Write(Directory, new RunCheckpoint(header, snapshot));
            if (Trace) Console.Error.WriteLine($"checkpoint at tick {tick}: {length:N0} bytes, {snapshot.Agents.Count} agents; on the run's path {taken.TotalMilliseconds:N0} ms, in the background {started.Elapsed.TotalMilliseconds:N0} ms");
        });
        LastTick = tick;
        Taken++;
        Cost += watch.Elapsed;
        if (maxShare is { } share && watch.Elapsed.TotalSeconds > share * _sinceLast.Elapsed.TotalSeconds)
        {
            // Stretch the period by the factor that brings this checkpoint's cost under the share.
            double factor = Math.Ceiling(watch.Elapsed.TotalSeconds / (share * Math.Max(1e-3, _sinceLast.Elapsed.TotalSeconds)));
            PeriodTicks = (long)Math.Min(long.MaxValue / 4, PeriodTicks * Math.Min(factor, 64));
        }
        _sinceLast.Restart();
    }

    /// <summary>SOVSIM_TRACE_CHECKPOINTS=1 prints each checkpoint's size and times to stderr (docs/performance.md).</summary>
    private static readonly bool Trace = Environment.GetEnvironmentVariable("SOVSIM_TRACE_CHECKPOINTS") == "1";

    /// <summary>Waits for the last write; a completed run's checkpoint is removed (nothing is left to resume).</summary>
    public async Task EndAsync(bool completed)
    {
        await _writing;
        if (completed) File.Delete(Path.Combine(Directory, CheckpointFile.Name));
    }

    /// <summary>Reads events.jsonl up to the checkpoint and checks it against the checkpoint's hash: the prefix the
    /// resumed run continues (the file is then cut there by <see cref="Outputs.EventLogFile"/>).</summary>
    public static byte[] VerifiedPrefix(string dir, CheckpointHeader header)
    {
        var path = Path.Combine(dir, "events.jsonl");
        if (!File.Exists(path)) throw new CheckpointException($"{path} is missing: the checkpoint cannot be resumed without the log up to it");
        using var file = File.OpenRead(path);
        if (file.Length < header.LogOffset)
            throw new CheckpointException($"{path} has {file.Length:N0} bytes, fewer than the {header.LogOffset:N0} the checkpoint was taken at");
        var prefix = new byte[header.LogOffset];
        file.ReadExactly(prefix);
        var hash = Convert.ToHexStringLower(SHA256.HashData(prefix));
        if (hash != header.LogSha256)
            throw new CheckpointException($"{path} differs from the log the checkpoint was taken with (SHA-256 of its first {header.LogOffset:N0} bytes is {hash[..12]}…, expected {header.LogSha256[..12]}…)");
        return prefix;
    }
}
