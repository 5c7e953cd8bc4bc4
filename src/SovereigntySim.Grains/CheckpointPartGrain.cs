using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Storage;

namespace SovereigntySim.Grains;

/// <summary>Holds one part of a checkpoint in grain storage. It calls the storage itself rather than through a
/// persistent state, which would read the part when the grain activates: a chunk is written once and never read back
/// during a run, and an activation must not fail while the database is away for a moment (the write waits for it,
/// <see cref="StorageCall"/>). The bytes are let go after each call and the grain deactivates when idle, so a large
/// run's checkpoints do not stay in the silos' memory.</summary>
public sealed class CheckpointPartGrain(IServiceProvider services, ILogger<CheckpointPartGrain> logger, Microsoft.Extensions.Options.IOptions<FaultToleranceOptions> faults) : Grain, ICheckpointPartGrain
{
    private const string StateName = "checkpoint";
    private IGrainStorage Storage => services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
    // The stored version of this part (null until read or written), which the next write or clear must present.
    private string? _etag;
    private bool _read;

    public async Task Write(byte[] data)
    {
        await Known();
        var state = new GrainState<CheckpointPart>(new CheckpointPart { Data = data }) { ETag = _etag };
        await Call(() => Storage.WriteStateAsync(StateName, this.GetGrainId(), state), "save a checkpoint");
        _etag = state.ETag;
        DeactivateOnIdle();
    }

    public async Task<byte[]?> Read()
    {
        var state = await ReadState();
        DeactivateOnIdle();
        return state.State?.Data;
    }

    public async Task Clear()
    {
        await Known();
        var state = new GrainState<CheckpointPart>(new CheckpointPart()) { ETag = _etag, RecordExists = _etag is not null };
        await Call(() => Storage.ClearStateAsync(StateName, this.GetGrainId(), state), "delete a checkpoint");
        _etag = state.ETag;
        DeactivateOnIdle();
    }

    /// <summary>A part is read before it is overwritten or cleared (the manifest is, every checkpoint), for its version.</summary>
    private async Task Known()
    {
        if (!_read) await ReadState();
    }

    private async Task<GrainState<CheckpointPart>> ReadState()
    {
        var state = new GrainState<CheckpointPart>(new CheckpointPart());
        await Call(() => Storage.ReadStateAsync(StateName, this.GetGrainId(), state), "read a checkpoint");
        (_etag, _read) = (state.ETag, true);
        return state;
    }

    private Task Call(Func<Task> call, string what) => StorageCall.Run(call, what, logger, this.GetPrimaryKeyString(), faults.Value.OutageLimit);
}
