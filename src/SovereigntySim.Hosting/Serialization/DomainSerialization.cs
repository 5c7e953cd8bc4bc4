using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SovereigntySim.Domain.Simulation;

namespace SovereigntySim.Hosting.Serialization;

/// <summary>
/// Domain types carry no Orleans attributes; between silos they travel as JSON. Messages are polymorphic: every
/// IMessage implementation of the domain is registered by name, found by reflection so none can be forgotten.
/// </summary>
public static class DomainSerialization
{
    private static readonly System.Reflection.Assembly Domain = typeof(World).Assembly;

    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var messageTypes = Domain.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Type != typeof(IMessage)) return;
            info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$m" };
            foreach (var t in messageTypes) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(t, t.Name));
        });
        return new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
    }

    public static bool IsDomainType(Type t) => t.Assembly == Domain;

    public static IServiceCollection AddDomainSerialization(this IServiceCollection services) =>
        services.AddSerializer(b => b.AddJsonSerializer(IsDomainType, IsDomainType, o => o.Configure(c => c.SerializerOptions = Options)));
}
