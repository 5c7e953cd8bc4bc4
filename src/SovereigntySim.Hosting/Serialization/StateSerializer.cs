using System.Text.Json;
using Orleans.Storage;

namespace SovereigntySim.Hosting.Serialization;

/// <summary>
/// How grain state is written to PostgreSQL: System.Text.Json of the project's own state types only. The ADO.NET
/// provider's default serializer is Newtonsoft JSON with type names, which instantiates whatever `$type` a row names;
/// this one binds a row to the declared state type and nothing else (a `$type` in a row is an ignored property), and
/// refuses to read or write any type outside SovereigntySim.
/// </summary>
public sealed class StateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new() { AllowTrailingCommas = false, MaxDepth = 16 };

    public BinaryData Serialize<T>(T? input)
    {
        Allow(typeof(T));
        return new BinaryData(JsonSerializer.SerializeToUtf8Bytes(input, Options));
    }

    public T Deserialize<T>(BinaryData input)
    {
        Allow(typeof(T));
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)
               ?? throw new JsonException($"grain state of type {typeof(T).Name} is null");
    }

    /// <summary>True for types defined by SovereigntySim's own assemblies.</summary>
    public static bool IsProjectType(Type t) =>
        t.Assembly.GetName().Name?.StartsWith("SovereigntySim.", StringComparison.Ordinal) == true
        && (!t.IsGenericType || t.GetGenericArguments().All(IsProjectType));

    private static void Allow(Type t)
    {
        if (!IsProjectType(t)) throw new InvalidOperationException($"grain state of type {t.FullName} is not a SovereigntySim type; refused");
    }
}
