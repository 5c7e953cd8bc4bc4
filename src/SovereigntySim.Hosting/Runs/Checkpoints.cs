using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Scenario;
using SovereigntySim.Grains;
using SovereigntySim.Scenarios;

namespace SovereigntySim.Hosting.Runs;

/// <summary>Where a checkpoint cuts the run: its tick, the event log's length and SHA-256 up to there, and what ran:
/// the effective scenario (as YAML, so a checkpoint resumes on its own) and the original provenance, so a resumed run
/// reports where it came from.</summary>
public sealed record CheckpointHeader(string Scenario, long Seed, long Tick, long LogOffset, string LogSha256, long Events, Provenance Provenance);

/// <summary>A checkpoint read back: its header, and the run's state with every block each agent names.</summary>
public sealed record RunCheckpoint(CheckpointHeader Header, RunSnapshot Snapshot)
{
    /// <summary>The scenario the checkpoint was taken with.</summary>
    public ScenarioSpec Spec(string where)
    {
        var loaded = ScenarioLoader.LoadText(Header.Scenario, where, []);
        return loaded.Ok ? loaded.Spec! : throw new CheckpointException($"{where} holds a scenario that cannot be read back: {loaded.Errors[0]}");
    }
}

/// <summary>
/// Where a run's checkpoints are kept, incrementally. Each agent's state names its large columns by block
/// (<see cref="StateBlocks"/>); blocks are stored once, packed in chunks of up to <see cref="ChunkSize"/> bytes (one
/// write each), and a manifest (header, kernel, every agent's state and where each block it names is) is written
/// last, replacing the one before. Until then the previous manifest and every chunk it needs stay as they were, so a
/// crash in the middle of a checkpoint leaves the previous one whole. Chunks left with no block in use are deleted
/// once the new manifest is written; when over half of the chunks' bytes are dead, the blocks still in use in the
/// sparse chunks are copied to new ones. Two stores: the run folder (<see cref="FolderCheckpointStore"/>) and Orleans
/// grain storage (<see cref="GrainCheckpointStore"/>, PostgreSQL on a cluster). One checkpoint at a time.
/// </summary>
public abstract class CheckpointStore
{
    public const int ChunkSize = 8 << 20;

    private Dictionary<UInt128, BlockPlace> _index = [];
    // Kept between checkpoints so that their memory is reused: a weekly checkpoint of a large run would otherwise leave
    // megabytes of large arrays for the collector every time.
    private readonly HashSet<UInt128> _live = [];
    private readonly MemoryStream _manifest = new();
    private Dictionary<long, int> _chunks = [];
    private List<long> _logChunks = [];
    private long _next = 1;
    private bool _adopted;
    // The manifest the last LoadAsync read: the log and the adoption of its chunks come from it, not from a second read.
    private Manifest? _loaded;

    /// <summary>Names the store in messages.</summary>
    public abstract string Where { get; }

    /// <summary>Whether the store also keeps the event log up to each checkpoint, so a run resumes from the store alone.</summary>
    public virtual bool KeepsLog => false;

    /// <summary>Writes a chunk: its blocks, one after another (<paramref name="length"/> bytes in all).</summary>
    protected abstract Task WriteChunkAsync(long chunk, IReadOnlyList<byte[]> blocks, int length);
    protected abstract Task<byte[]?> ReadChunkAsync(long chunk);
    protected abstract Task DeleteChunkAsync(long chunk);
    /// <summary>Replaces the manifest at once: a crash leaves the old one or the new one, never a mix.</summary>
    protected abstract Task WriteManifestAsync(ReadOnlyMemory<byte> manifest);
    protected abstract Task<byte[]?> ReadManifestAsync();
    protected abstract Task DeleteManifestAsync();

    /// <summary>Deletes the checkpoint (a completed run, or a new run in the same place): the manifest first, so that
    /// what may be left is never taken for a checkpoint, then every chunk it knows.</summary>
    public virtual async Task DeleteAsync()
    {
        await AdoptAsync();
        await DeleteManifestAsync();
        foreach (var c in _chunks.Keys.Concat(_logChunks)) await DeleteChunkAsync(c);
        (_index, _chunks, _logChunks, _next, _loaded) = ([], [], [], 1, null);
    }
    /// <summary>Chunks numbered from <paramref name="chunk"/> on were written after the manifest, by a checkpoint that
    /// never finished: garbage.</summary>
    protected virtual Task ForgetChunksFromAsync(long chunk) => Task.CompletedTask;

    /// <summary>Stores a checkpoint: the blocks the agents carry that the store lacks, the log since the last
    /// checkpoint (if the store keeps it), then the manifest. Returns the bytes written.</summary>
    public async Task<long> SaveAsync(CheckpointHeader header, RunSnapshot snapshot, ReadOnlyMemory<byte> logSince)
    {
        await AdoptAsync();
        // An agent's own state is a block too: an agent that has not changed (a closed flight) costs nothing again.
        var agents = snapshot.Agents.Select(a => new StoredAgent(a.AgentId, StateBlock.IdOf(a.State), a.Uses)).ToList();
        var chunks = Pack(snapshot.Agents.SelectMany(a => a.Blocks).Concat(snapshot.Agents.Select((a, i) => new BlockData(agents[i].State, a.State))));
        if (KeepsLog)
            for (int at = 0; at < logSince.Length; at += ChunkSize)
            {
                var part = logSince.Slice(at, Math.Min(ChunkSize, logSince.Length - at)).ToArray();
                _logChunks.Add(_next);
                chunks.Add(new Chunk(_next++, [part], part.Length));
            }
        long written = await WriteChunksAsync(chunks);

        var live = _live;
        live.Clear();
        foreach (var a in agents)
            foreach (var id in a.Uses.Append(a.State))
                if (!_index.ContainsKey(id))
                    throw new InvalidOperationException($"agent {a.AgentId} names block {id:x32}, which {Where} does not hold: the checkpoint would be incomplete");
                else live.Add(id);
        var (dead, copied) = await CompactAsync(live);
        written += copied;
        _manifest.SetLength(0);
        CheckpointFile.Encode(new Manifest(header, snapshot.Kernel, agents, _chunks, _index, _logChunks, _next), _manifest);
        await WriteManifestAsync(_manifest.GetBuffer().AsMemory(0, (int)_manifest.Length));
        foreach (var c in dead) await DeleteChunkAsync(c);
        return written + _manifest.Length;
    }

    /// <summary>The last checkpoint, with every block each agent names; null when there is none.</summary>
    public async Task<RunCheckpoint?> LoadAsync()
    {
        if (await ReadManifestAsync() is not { } bytes) return null;
        var manifest = _loaded = CheckpointFile.Decode(bytes, Where);
        var blocks = new Dictionary<UInt128, byte[]>();
        foreach (var group in manifest.Index.GroupBy(e => e.Value.Chunk))
        {
            var data = await ReadChunkAsync(group.Key) ?? throw new CheckpointException($"{Where} has lost chunk {group.Key} of its checkpoint");
            foreach (var (id, place) in group)
            {
                if (place.Offset + (long)place.Length > data.Length) throw new CheckpointException($"{Where} is corrupt (chunk {group.Key} is short)");
                var block = data.AsSpan(place.Offset, place.Length);
                if (StateBlock.IdOf(block) != id) throw new CheckpointException($"{Where} is corrupt (a block of chunk {group.Key} does not match its hash)");
                blocks[id] = block.ToArray();
            }
        }
        byte[] Block(StoredAgent a, UInt128 id) =>
            blocks.TryGetValue(id, out var b) ? b : throw new CheckpointException($"{Where} is corrupt (agent {a.AgentId} names a block it does not hold)");
        var agents = manifest.Agents.Select(a => new AgentSnapshot(a.AgentId, Block(a, a.State), a.Uses, a.Uses.Select(id => new BlockData(id, Block(a, id))).ToArray())).ToArray();
        return new RunCheckpoint(manifest.Header, new RunSnapshot(manifest.Header.Tick, manifest.Kernel, agents));
    }

    /// <summary>The event log up to the checkpoint <see cref="LoadAsync"/> read, checked against its hash (stores that
    /// keep the log).</summary>
    public async Task<byte[]> ReadLogAsync()
    {
        var manifest = _loaded ?? throw new InvalidOperationException("the log is read after the checkpoint (LoadAsync)");
        using var log = new MemoryStream();
        foreach (var c in manifest.LogChunks) log.Write(await ReadChunkAsync(c) ?? throw new CheckpointException($"{Where} has lost chunk {c} of its log"));
        return CheckpointFile.CheckedPrefix(log.ToArray(), manifest.Header, $"the log in {Where}");
    }

    /// <summary>Takes over the chunks of the checkpoint already here (a resumed run), before the first save.</summary>
    private async Task AdoptAsync()
    {
        if (_adopted) return;
        _adopted = true;
        var manifest = _loaded ?? (await ReadManifestAsync() is { } bytes ? CheckpointFile.Decode(bytes, Where) : null);
        if (manifest is null) return;
        (_index, _chunks, _logChunks, _next) = (manifest.Index, manifest.Chunks, manifest.LogChunks, manifest.NextChunk);
        await ForgetChunksFromAsync(_next);
    }

    /// <summary>Places blocks the store lacks in new chunks of up to <see cref="ChunkSize"/> (the blocks are not
    /// copied: a chunk is written from them).</summary>
    private List<Chunk> Pack(IEnumerable<BlockData> blocks)
    {
        var chunks = new List<Chunk>();
        var group = new List<byte[]>();
        int length = 0;
        void Seal()
        {
            if (group.Count == 0) return;
            chunks.Add(new Chunk(_next, group, length));
            _chunks[_next++] = length;
            (group, length) = ([], 0);
        }
        foreach (var block in blocks)
        {
            if (_index.ContainsKey(block.Id)) continue;
            if (length + block.Data.Length > ChunkSize) Seal();
            _index[block.Id] = new BlockPlace(_next, length, block.Data.Length);
            group.Add(block.Data);
            length += block.Data.Length;
        }
        Seal();
        return chunks;
    }

    private sealed record Chunk(long Number, IReadOnlyList<byte[]> Blocks, int Length);

    /// <summary>Writes chunks a few at a time (grain storage takes them in parallel).</summary>
    private async Task<long> WriteChunksAsync(List<Chunk> chunks)
    {
        foreach (var batch in chunks.Chunk(4)) await Task.WhenAll(batch.Select(c => WriteChunkAsync(c.Number, c.Blocks, c.Length)));
        return chunks.Sum(c => (long)c.Length);
    }

    /// <summary>Forgets blocks no longer in use and returns the chunks left with none (to delete once the new manifest
    /// is written), after copying the live blocks of sparse chunks to new ones when over half the bytes are dead.</summary>
    private async Task<(List<long> Dead, long Copied)> CompactAsync(HashSet<UInt128> live)
    {
        foreach (var id in _index.Keys.Where(id => !live.Contains(id)).ToList()) _index.Remove(id);
        var used = _index.Values.GroupBy(p => p.Chunk).ToDictionary(g => g.Key, g => g.Sum(p => (long)p.Length));
        var dead = _chunks.Keys.Where(c => !used.ContainsKey(c) && !_logChunks.Contains(c)).ToList();
        long held = used.Keys.Sum(c => (long)_chunks[c]), inUse = used.Values.Sum(), copied = 0;
        if (held - inUse > Math.Max(inUse, ChunkSize))
        {
            var sparse = used.Where(c => c.Value * 2 < _chunks[c.Key]).Select(c => c.Key).ToList();
            var moved = new List<BlockData>();
            foreach (var c in sparse)
            {
                var data = await ReadChunkAsync(c) ?? throw new CheckpointException($"{Where} has lost chunk {c} of its checkpoint");
                foreach (var (id, place) in _index.Where(e => e.Value.Chunk == c).ToList())
                {
                    moved.Add(new BlockData(id, data.AsSpan(place.Offset, place.Length).ToArray()));
                    _index.Remove(id);
                }
            }
            copied = await WriteChunksAsync(Pack(moved));
            dead.AddRange(sparse);
        }
        foreach (var c in dead) _chunks.Remove(c);
        return (dead, copied);
    }
}

/// <summary>An agent in a manifest: the block of its own state and the blocks that state names.</summary>
public sealed record StoredAgent(string AgentId, UInt128 State, UInt128[] Uses);

/// <summary>Where a block is: its chunk, and its offset and length there.</summary>
public readonly record struct BlockPlace(long Chunk, int Offset, int Length);

/// <summary>What a checkpoint's manifest holds: the header, the kernel's state, the agents (by block), the chunks and
/// their sizes, where each block in use is, the chunks of the log (stores that keep it, in order), and the next chunk
/// number.</summary>
public sealed record Manifest(CheckpointHeader Header, byte[] Kernel, List<StoredAgent> Agents, Dictionary<long, int> Chunks,
    Dictionary<UInt128, BlockPlace> Index, List<long> LogChunks, long NextChunk);

/// <summary>
/// A manifest's bytes: "SOVSIMCK", format version, the header as JSON, the kernel's state, every agent (id, the block
/// of its state, the blocks that names), the chunks, the index of blocks, the log's chunks, the next chunk number, then the
/// SHA-256 of everything before it, so a torn or altered manifest is refused. Blocks check themselves: a block's name
/// is the hash of its bytes.
/// </summary>
public static class CheckpointFile
{
    public const string Name = "checkpoint.bin";
    // 3: countries save their commitment and whether a new government dropped their linked demands, ministries their
    // private type, flights their infectious passengers (issue 14): a version-2 checkpoint does not read as version 3.
    // 4: flights save whether their screening reviews disputed identities case by case.
    private const int Version = 6;
    private static readonly byte[] Magic = "SOVSIMCK"u8.ToArray();

    /// <summary>Appends the manifest's bytes to <paramref name="stream"/>, which must be empty.</summary>
    public static void Encode(Manifest m, MemoryStream stream)
    {
        using (var w = new CheckpointWriter(stream))
        {
            w.Write(Magic);
            w.Write(Version);
            var header = JsonSerializer.SerializeToUtf8Bytes(m.Header);
            w.Write(header.Length);
            w.Write(header);
            w.Write(m.Kernel.Length);
            w.Write(m.Kernel);
            w.Write(m.Agents.Count);
            foreach (var a in m.Agents)
            {
                w.Write(a.AgentId);
                w.WriteId(a.State);
                w.Write(a.Uses.Length);
                foreach (var id in a.Uses) w.WriteId(id);
            }
            w.Write(m.Chunks.Count);
            foreach (var (c, length) in m.Chunks.OrderBy(c => c.Key))
            {
                w.Write(c);
                w.Write(length);
            }
            w.Write(m.Index.Count);
            foreach (var (id, p) in m.Index)
            {
                w.WriteId(id);
                w.Write(p.Chunk);
                w.Write(p.Offset);
                w.Write(p.Length);
            }
            w.Write(m.LogChunks.Count);
            foreach (var c in m.LogChunks) w.Write(c);
            w.Write(m.NextChunk);
        }
        stream.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
    }

    public static Manifest Decode(byte[] bytes, string where)
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
            var agents = new List<StoredAgent>();
            for (int i = 0, n = r.ReadCount(); i < n; i++)
            {
                var id = r.ReadString();
                var state = r.ReadUInt128();
                var uses = new UInt128[r.ReadCount()];
                for (int u = 0; u < uses.Length; u++) uses[u] = r.ReadUInt128();
                agents.Add(new StoredAgent(id, state, uses));
            }
            var chunks = new Dictionary<long, int>();
            for (int i = 0, n = r.ReadCount(); i < n; i++) chunks[r.ReadInt64()] = r.ReadInt32();
            var index = new Dictionary<UInt128, BlockPlace>();
            for (int i = 0, n = r.ReadCount(); i < n; i++) index[r.ReadUInt128()] = new BlockPlace(r.ReadInt64(), r.ReadInt32(), r.ReadInt32());
            var log = new List<long>();
            for (int i = 0, n = r.ReadCount(); i < n; i++) log.Add(r.ReadInt64());
            long next = r.ReadInt64();
            if (stream.Position != stream.Length) throw new CheckpointException($"{where} is corrupt (bytes after its end)");
            return new Manifest(header, kernel, agents, chunks, index, log, next);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new CheckpointException($"{where} is corrupt ({e.Message})", e);
        }
    }

    /// <summary>The first <see cref="CheckpointHeader.LogOffset"/> bytes of a log, refused unless they are the log the
    /// checkpoint was taken with.</summary>
    public static byte[] CheckedPrefix(byte[] log, CheckpointHeader header, string what)
    {
        if (log.Length < header.LogOffset)
            throw new CheckpointException($"{what} has {log.Length:N0} bytes, fewer than the {header.LogOffset:N0} the checkpoint was taken at");
        var prefix = log.Length == header.LogOffset ? log : log[..(int)header.LogOffset];
        var hash = Convert.ToHexStringLower(SHA256.HashData(prefix));
        if (hash != header.LogSha256)
            throw new CheckpointException($"{what} differs from the log the checkpoint was taken with (SHA-256 of its first {header.LogOffset:N0} bytes is {hash[..12]}…, expected {header.LogSha256[..12]}…)");
        return prefix;
    }
}

/// <summary>Checkpoints in a run folder: checkpoint.bin (the manifest, written beside and renamed over the last one)
/// and checkpoint.chunks/ (the chunks). The log is the folder's own events.jsonl. No fsync: a checkpoint survives a
/// process crash, not a power cut.</summary>
public sealed class FolderCheckpointStore(string directory) : CheckpointStore
{
    public const string Chunks = "checkpoint.chunks";
    private string Manifest => Path.Combine(directory, CheckpointFile.Name);
    private string Chunk(long c) => Path.Combine(directory, Chunks, $"{c:D8}");

    public override string Where => Manifest;

    /// <summary>The folder's checkpoint, which must exist.</summary>
    public static async Task<RunCheckpoint> ReadAsync(string directory) =>
        await new FolderCheckpointStore(directory).LoadAsync()
        ?? throw new CheckpointException($"{directory} has no {CheckpointFile.Name}: the run was not checkpointed, or it completed (a completed run's checkpoint is removed)");

    protected override async Task WriteChunkAsync(long chunk, IReadOnlyList<byte[]> blocks, int length)
    {
        Directory.CreateDirectory(Path.Combine(directory, Chunks));
        await using var file = new FileStream(Chunk(chunk), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false);
        foreach (var block in blocks) file.Write(block);
    }

    protected override async Task<byte[]?> ReadChunkAsync(long chunk) => File.Exists(Chunk(chunk)) ? await File.ReadAllBytesAsync(Chunk(chunk)) : null;

    protected override Task DeleteChunkAsync(long chunk)
    {
        File.Delete(Chunk(chunk));
        return Task.CompletedTask;
    }

    protected override async Task WriteManifestAsync(ReadOnlyMemory<byte> manifest)
    {
        await File.WriteAllBytesAsync(Manifest + ".tmp", manifest);
        File.Move(Manifest + ".tmp", Manifest, overwrite: true);
    }

    protected override async Task<byte[]?> ReadManifestAsync() => File.Exists(Manifest) ? await File.ReadAllBytesAsync(Manifest) : null;

    protected override Task DeleteManifestAsync()
    {
        File.Delete(Manifest);
        File.Delete(Manifest + ".tmp");
        return Task.CompletedTask;
    }

    /// <summary>The whole chunk folder goes, with any chunk a crash left behind that no manifest names.</summary>
    public override async Task DeleteAsync()
    {
        await DeleteManifestAsync();
        if (Directory.Exists(Path.Combine(directory, Chunks))) Directory.Delete(Path.Combine(directory, Chunks), recursive: true);
    }

    protected override Task ForgetChunksFromAsync(long chunk)
    {
        var dir = Path.Combine(directory, Chunks);
        if (!Directory.Exists(dir)) return Task.CompletedTask;
        foreach (var file in Directory.EnumerateFiles(dir))
            if (long.TryParse(Path.GetFileName(file), out var c) && c >= chunk) File.Delete(file);
        return Task.CompletedTask;
    }
}

/// <summary>Checkpoints in Orleans grain storage (PostgreSQL on a cluster), under a checkpoint id: the manifest and
/// each chunk are parts (<see cref="ICheckpointPartGrain"/>), one storage write each. The store keeps the event log
/// too, so `sovsim run --resume ID --cluster ...` continues a run from the database alone, on any machine.</summary>
public sealed class GrainCheckpointStore(IGrainFactory grains, string id) : CheckpointStore
{
    public string Id { get; } = id;
    public override string Where => $"checkpoint {Id} in the cluster's grain storage";
    public override bool KeepsLog => true;

    private ICheckpointPartGrain Part(string part) => grains.GetGrain<ICheckpointPartGrain>($"{Id}/{part}");
    private ICheckpointPartGrain ManifestPart => Part("manifest");

    protected override Task WriteChunkAsync(long chunk, IReadOnlyList<byte[]> blocks, int length)
    {
        var data = new byte[length];
        int at = 0;
        foreach (var block in blocks)
        {
            block.CopyTo(data, at);
            at += block.Length;
        }
        return Part($"{chunk}").Write(data);
    }
    protected override Task<byte[]?> ReadChunkAsync(long chunk) => Part($"{chunk}").Read();
    protected override Task DeleteChunkAsync(long chunk) => Part($"{chunk}").Clear();
    protected override Task WriteManifestAsync(ReadOnlyMemory<byte> manifest) => ManifestPart.Write(manifest.ToArray());
    protected override Task<byte[]?> ReadManifestAsync() => ManifestPart.Read();

    protected override Task DeleteManifestAsync() => ManifestPart.Clear();
}

/// <summary>
/// A run's checkpointing: how often (in ticks), the run folder (whose events.jsonl holds the log), the store (the
/// folder itself unless given) and the checkpoint it resumes from. The snapshot is taken on the pipeline's thread
/// between slices (the state must not move while it is copied) and stored in the background while the next slices
/// run; each store waits for the one before.
/// </summary>
/// With <paramref name="maxShare"/> (the default of `sovsim run`), a checkpoint that falls due is skipped while the
/// time checkpoints have taken (on the run's path and in the background, which on two cores takes from the run too)
/// is over that share of the run's wall time so far: checkpoints cost a run about that share at most (one
/// checkpoint more), and they come as often as it allows.
public sealed class RunCheckpoints(string directory, long everyTicks, RunCheckpoint? resumeFrom = null, double? maxShare = null, CheckpointStore? store = null)
{
    private Task _writing = Task.CompletedTask;
    private readonly System.Diagnostics.Stopwatch _run = System.Diagnostics.Stopwatch.StartNew();
    // Time checkpoints have taken so far.
    private TimeSpan _spent;
    // The log since the last checkpoint, for a store that keeps it.
    private readonly MemoryStream _logSince = new();

    public string Directory { get; } = directory;
    public CheckpointStore Store { get; } = store ?? new FolderCheckpointStore(directory);
    /// <summary>The period in ticks (long.MaxValue: only on Ctrl-C).</summary>
    public long EveryTicks { get; } = everyTicks;
    public RunCheckpoint? From { get; } = resumeFrom;
    /// <summary>The tick of the last checkpoint taken.</summary>
    public long? LastTick { get; private set; } = resumeFrom?.Header.Tick;

    /// <summary>Takes a checkpoint unless the share of time it may cost says to skip this one; <paramref name="force"/>
    /// (Ctrl-C) takes it anyway.</summary>
    public Task SaveAsync(Engines.ISimulationEngine engine, RunRequest request, long tick, EventLogWriter log, long events, bool force)
    {
        lock (_run) if (!force && maxShare is { } share && _spent > share * _run.Elapsed) return Task.CompletedTask;
        return TakeAsync(engine, request, tick, log, events);
    }

    private async Task TakeAsync(Engines.ISimulationEngine engine, RunRequest request, long tick, EventLogWriter log, long events)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var snapshot = await engine.SnapshotAsync();
        if (snapshot.Tick != tick) throw new InvalidOperationException($"the engine's snapshot is at tick {snapshot.Tick}, the pipeline at {tick}");
        var header = new CheckpointHeader(ScenarioWriter.Write(request.Spec), request.Spec.Seed, tick, log.Length, log.Digest(), events, request.Provenance);
        // The snapshot's arrays are the agents' own copies and never change: storing them can go on beside the next
        // slices. Only one store at a time.
        await _writing;
        var taken = watch.Elapsed;
        var logSince = _logSince.ToArray();
        _logSince.SetLength(0);
        LastTick = tick;
        lock (_run) _spent += taken;
        _writing = Task.Run(async () =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            long written = await Store.SaveAsync(header, snapshot, logSince);
            lock (_run) _spent += started.Elapsed;
            if (Trace) Console.Error.WriteLine($"checkpoint at tick {tick}: {written:N0} bytes written, {snapshot.Agents.Count} agents; on the run's path {taken.TotalMilliseconds:N0} ms, in the background {started.Elapsed.TotalMilliseconds:N0} ms; {GC.CollectionCount(2)} gen2 collections so far");
        });
    }

    /// <summary>SOVSIM_TRACE_CHECKPOINTS=1 prints each checkpoint's size and times to stderr (docs/performance.md).</summary>
    private static readonly bool Trace = Environment.GetEnvironmentVariable("SOVSIM_TRACE_CHECKPOINTS") == "1";

    /// <summary>The lines a slice added to the log (kept until the next checkpoint when the store keeps the log).</summary>
    public void Logged(ReadOnlySpan<byte> lines)
    {
        if (Store.KeepsLog) _logSince.Write(lines);
    }

    /// <summary>Waits for the last store; a completed run's checkpoint is removed (nothing is left to resume).</summary>
    public async Task EndAsync(bool completed)
    {
        try { await _writing; }
        catch (Exception) when (completed) { } // the run is whole: a checkpoint it failed to store is not needed
        if (completed) await Store.DeleteAsync();
    }

    /// <summary>Reads events.jsonl up to the checkpoint and checks it against the checkpoint's hash: the prefix the
    /// resumed run continues (the file is then cut there by <see cref="Outputs.EventLogFile"/>).</summary>
    public static byte[] VerifiedPrefix(string dir, CheckpointHeader header)
    {
        var path = Path.Combine(dir, "events.jsonl");
        if (!File.Exists(path)) throw new CheckpointException($"{path} is missing: the checkpoint cannot be resumed without the log up to it");
        using var file = File.OpenRead(path);
        var prefix = new byte[Math.Min(file.Length, header.LogOffset)];
        file.ReadExactly(prefix);
        return CheckpointFile.CheckedPrefix(prefix, header, path);
    }
}
