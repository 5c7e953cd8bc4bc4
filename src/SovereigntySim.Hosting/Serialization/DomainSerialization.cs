using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SovereigntySim.Domain.Checkpoints;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Hosting.Serialization;

/// <summary>
/// Domain types carry no Orleans attributes; between silos they travel as JSON (<see cref="DomainJson"/>: messages are
/// polymorphic, every IMessage implementation registered by name).
/// </summary>
public static class DomainSerialization
{
    private static readonly System.Reflection.Assembly Domain = typeof(World).Assembly;

    public static JsonSerializerOptions Options => DomainJson.Options;

    public static bool IsDomainType(Type t) => t.Assembly == Domain;

    /// <summary>Domain types as JSON; and the storage's exceptions (Npgsql's) cross to the client as themselves, with
    /// their message, instead of "could not find a codec" (Orleans carries only Microsoft, System and Azure ones).</summary>
    public static IServiceCollection AddDomainSerialization(this IServiceCollection services) => services
        .Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"))
        .AddSerializer(b => b.AddJsonSerializer(IsDomainType, IsDomainType, o => o.Configure(c => c.SerializerOptions = Options)));
}
