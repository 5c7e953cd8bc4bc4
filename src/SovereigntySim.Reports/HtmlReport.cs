using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SovereigntySim.Reports;

/// <summary>
/// Fills Template/report.html: the stylesheet, Chart.js with its licence, the report's data as JSON in a
/// <c>&lt;script type="application/json"&gt;</c>, and Template/report.js, which draws the charts from that data.
/// </summary>
public static partial class HtmlReport
{
    /// <summary>The JSON of the data block. The default encoder writes &lt; &gt; &amp; ' and non-ASCII characters as
    /// \uXXXX escapes, so no string in the data can close the script element or open a comment.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Render(ReportModel model)
    {
        var values = new Dictionary<string, string>
        {
            ["TITLE"] = WebUtility.HtmlEncode(model.Title),
            ["CSS"] = Resource("report.css"),
            ["CHARTJS_LICENSE"] = Resource("chart.LICENSE.md").Replace("*/", "* /"),
            ["CHARTJS"] = ScriptSafe(Resource("chart.umd.min.js")),
            ["DATA"] = JsonSerializer.Serialize(model, JsonOptions),
            ["APP"] = ScriptSafe(Resource("report.js")),
        };
        // One pass over the template: text put in is never scanned for placeholders again.
        return Placeholder().Replace(Resource("report.html"), m => values[m.Groups[1].Value]);
    }

    /// <summary>Script text that cannot end its script element early: "&lt;/script" and "&lt;!--" never appear in
    /// it (in JavaScript strings and comments "&lt;\/" and "&lt;\!" read the same).</summary>
    public static string ScriptSafe(string js) =>
        ScriptEnd().Replace(js, m => "<\\/" + m.Value[2..]).Replace("<!--", "<\\!--", StringComparison.Ordinal);

    /// <summary>An embedded resource: the template files and Chart.js (SovereigntySim.Reports.csproj).</summary>
    public static string Resource(string name)
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream("SovereigntySim.Reports." + name)
                           ?? throw new InvalidOperationException($"resource {name} is missing from SovereigntySim.Reports");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("</script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptEnd();
}
