using Orleans.Runtime;

namespace SovereigntySim.Grains;

/// <summary>Holds one part of a checkpoint in grain storage. The bytes are written or read, then let go: the grain
/// deactivates when idle, so a large run's checkpoints do not stay in the silos' memory.</summary>
public sealed class CheckpointPartGrain([PersistentState("checkpoint")] IPersistentState<CheckpointPart> part) : Grain, ICheckpointPartGrain
{
    public async Task Write(byte[] data)
    {
        part.State.Data = data;
        try { await StorageCall.InWords(part.WriteStateAsync, "save a checkpoint"); }
        finally { Forget(); }
    }

    /// <summary>The state was read from storage when the grain activated.</summary>
    public Task<byte[]?> Read()
    {
        var data = part.State.Data;
        Forget();
        return Task.FromResult(data);
    }

    public async Task Clear()
    {
        try { await StorageCall.InWords(part.ClearStateAsync, "delete a checkpoint"); }
        finally { Forget(); }
    }

    private void Forget()
    {
        part.State.Data = null;
        DeactivateOnIdle();
    }
}

/// <summary>Grain storage's own exceptions (Npgsql's, when PostgreSQL is away) have no codec to cross to the client,
/// which would see only "could not find a codec": they are passed on in words instead.</summary>
public static class StorageCall
{
    public static async Task InWords(Func<Task> call, string what)
    {
        try { await call(); }
        catch (Exception e) when (e.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
        {
            var cause = e.GetBaseException();
            throw new InvalidOperationException($"grain storage failed to {what}: {cause.GetType().Name}: {cause.Message.Split('\n')[0].Trim()}");
        }
    }
}
