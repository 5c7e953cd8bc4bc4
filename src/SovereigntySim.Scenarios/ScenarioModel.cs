using System.Collections.Concurrent;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace SovereigntySim.Scenarios;

/// <summary>A settable property of a scenario record, as both the binder and the schema generator see it.</summary>
internal sealed record ModelProperty(
    PropertyInfo Info, string Name, bool Required, RangeAttribute? Range, string? Description, bool AllowsNull, string? NoneMeans = null)
{
    /// <summary>The word for no limit, held as 0 (<see cref="Domain.Scenario.NoneMeansAttribute"/>).</summary>
    public const string None = "none";

    public Type Type => Info.PropertyType;
}

/// <summary>Reflection over the scenario records, shared by binding and schema generation so they cannot disagree.</summary>
internal static class ScenarioModel
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ModelProperty>> Cache = new();

    public static IReadOnlyList<ModelProperty> PropertiesOf(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var nullability = new NullabilityInfoContext();
        return t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken) // declaration order: messages and the schema follow the source file
            .Select(p => new ModelProperty(
                p,
                CamelCase(p.Name),
                p.IsDefined(typeof(RequiredAttribute)),
                p.GetCustomAttribute<RangeAttribute>(),
                p.GetCustomAttribute<DescriptionAttribute>()?.Description,
                Nullable.GetUnderlyingType(p.PropertyType) is not null
                    || (!p.PropertyType.IsValueType && nullability.Create(p).WriteState == NullabilityState.Nullable),
                p.GetCustomAttribute<Domain.Scenario.NoneMeansAttribute>()?.Meaning))
            .ToList();
    });

    public static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    public static bool IsList(Type type, out Type element)
    {
        element = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : typeof(void);
        return element != typeof(void);
    }

    public static string? TypeDescription(Type type) => type.GetCustomAttribute<DescriptionAttribute>()?.Description;
}
