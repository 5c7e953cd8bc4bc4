using SovereigntySim.Hosting.Engines;

namespace SovereigntySim.Hosting.Outputs;

/// <summary>migrants.parquet: one row per migrant at the end of a run (who they are, their status, their last event),
/// for analyses at the level of people. Written caseload by caseload.</summary>
public static class MicrodataFile
{
    public const string Name = "migrants.parquet";

    public static async Task<int> WriteAsync(ISimulationEngine engine, string dir)
    {
        var table = new Table(["id", "nationality", "destination", "facility", "status", "documents", "legal", "vulnerabilities", "refusals",
            "detainedSince", "events", "lastEvent", "lastEventAt", "lastReason"]);
        for (int c = 0; c < engine.World.Caseloads.Count; c++)
            foreach (var m in await engine.GetMicrodataAsync(c))
                table.Add(m.Id, m.Nationality, m.Destination, m.Facility, m.Status, m.Documents, m.Legal, m.Vulnerabilities, m.Refusals,
                    m.DetainedSince, m.Events, m.LastEvent, m.LastEventAt, m.LastReason);
        await table.WriteParquetAsync(Path.Combine(dir, Name));
        return table.Rows.Count;
    }
}
