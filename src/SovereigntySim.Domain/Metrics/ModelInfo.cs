namespace SovereigntySim.Domain.Metrics;

/// <summary>What names the model's behaviour, so fitted constants are never applied to a model they were not fitted to.</summary>
public static class ModelInfo
{
    /// <summary>The version of the model's behaviour: bump when behaviour changes (a rule, a default, what a measure
    /// counts), because a calibration's posterior (posterior.json) is only valid for the version it was fitted on.</summary>
    public const string ModelVersion = "2026-12-07.6";
}
