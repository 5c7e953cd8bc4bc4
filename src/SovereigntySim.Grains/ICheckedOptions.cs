namespace SovereigntySim.Grains;

/// <summary>Options bound from configuration that say what is wrong with their values before anything uses them.</summary>
public interface ICheckedOptions
{
    /// <summary>What is wrong with these values, one line each naming its key (empty when they can be used).</summary>
    IEnumerable<string> Problems();
}
