using YamlDotNet.RepresentationModel;

namespace SovereigntySim.Engine.Tests;

/// <summary>docker-compose.yml cannot run here (no Docker engine), so what it promises is checked on its text, merged
/// as compose merges it: the topology of scripts/cluster, pinned images, passwords from the environment only,
/// SCRAM authentication, the database password only where it is used, and no root (the tests' packages come with
/// their image, and they run on a copy of a read-only checkout).</summary>
public sealed class ComposeTests
{
    private static YamlMappingNode Services()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Repo.Root, "docker-compose.yml"))) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return (YamlMappingNode)root["services"];
    }

    /// <summary>A service's setting, following the `&lt;&lt;: *anchor` merges compose applies.</summary>
    private static YamlNode? Setting(YamlMappingNode service, string key)
    {
        if (service.Children.TryGetValue(new YamlScalarNode(key), out var value)) return value;
        return service.Children.TryGetValue(new YamlScalarNode("<<"), out var merged) && merged is YamlMappingNode parent ? Setting(parent, key) : null;
    }

    /// <summary>A mapping's entries with its `&lt;&lt;: *anchor` merges applied (an environment that extends another).</summary>
    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode mapping) =>
        mapping.Children.SelectMany(kv => ((YamlScalarNode)kv.Key).Value == "<<" && kv.Value is YamlMappingNode parent
            ? Entries(parent) : [(((YamlScalarNode)kv.Key).Value!, kv.Value)]);

    [Fact]
    public void The_tests_image_is_built_on_a_base_pinned_by_digest()
    {
        var from = File.ReadAllLines(Path.Combine(Repo.Root, "scripts", "tests.Dockerfile")).Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(from);
        Assert.All(from, l => Assert.Matches(@"^FROM [^ ]+:[0-9.]+@sha256:[0-9a-f]{64}( AS [a-z]+)?$", l));
    }

    [Fact]
    public void Compose_describes_the_scripted_topology_with_pinned_images_secrets_from_the_environment_and_no_root()
    {
        var services = Services();
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        Assert.Equal(3, names.Count(n => n.StartsWith("silo")));
        Assert.Contains("postgres", names);

        foreach (var (key, node) in services.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var service = (YamlMappingNode)node;
            var image = ((YamlScalarNode)Setting(service, "image")!).Value!;
            // Pinned: an image pulled from a registry by its digest (with the tag that says what it is); the tests'
            // image is built here, from a base pinned the same way.
            if (name == "tests") Assert.Matches(@"^sovsim-tests:[0-9]+\.[0-9]+\.[0-9]+$", image);
            else Assert.Matches(@":[0-9]+(\.[0-9]+)*(-[a-z]+)?@sha256:[0-9a-f]{64}$", image);
            var user = (Setting(service, "user") as YamlScalarNode)?.Value;
            if (name == "postgres") Assert.Null(user); // the image drops to its postgres user itself
            else Assert.StartsWith("${SOVSIM_UID", user); // the tests too: their packages come with their image
            // The database password reaches only the services that connect to the database.
            bool password = Setting(service, "environment") is YamlMappingNode env && Entries(env).Any(e => e.Key == "SOVSIM_DB_PASSWORD");
            Assert.Equal(name is "postgres" or "sovsim" or "dashboard" || name.StartsWith("silo"), password);
            if (Setting(service, "environment") is YamlMappingNode environment)
                foreach (var (variable, v) in Entries(environment))
                {
                    var text = ((YamlScalarNode)v).Value!;
                    Assert.NotEqual("POSTGRES_HOST_AUTH_METHOD", variable);
                    // Passwords come from the environment, and compose refuses to start without them.
                    if (variable.Contains("PASSWORD") || variable.Contains("TOKEN")) Assert.Matches(@"^\$\{[A-Z_]+:\?[^}]+\}$", text);
                    Assert.DoesNotContain("Password=", text, StringComparison.OrdinalIgnoreCase);
                }
        }
        var postgres = (YamlMappingNode)services["postgres"];
        Assert.Contains("--auth=scram-sha-256", ((YamlScalarNode)((YamlMappingNode)postgres["environment"])["POSTGRES_INITDB_ARGS"]).Value);
        // The tests run on a copy of a read-only checkout.
        var volumes = (YamlSequenceNode)Setting((YamlMappingNode)services["tests"], "volumes")!;
        Assert.Contains(volumes.Children, v => ((YamlScalarNode)v).Value == ".:/checkout:ro");
        Assert.DoesNotContain(volumes.Children, v => ((YamlScalarNode)v).Value!.StartsWith(".:/src"));
        // No ports published but the dashboard's, on the host's loopback: the silos and the database stay off the
        // host's network. The dashboard runs on the cluster (serve --cluster), and listening beyond its container's
        // loopback it needs its token, which comes from the environment.
        Assert.All(services.Children.Where(s => ((YamlScalarNode)s.Key).Value != "dashboard"), s => Assert.Null(Setting((YamlMappingNode)s.Value, "ports")));
        var dashboard = (YamlMappingNode)services["dashboard"];
        Assert.All((YamlSequenceNode)Setting(dashboard, "ports")!, p => Assert.StartsWith("127.0.0.1:", ((YamlScalarNode)p).Value));
        var serve = ((YamlSequenceNode)Setting(dashboard, "command")!).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal("serve", serve[0]);
        Assert.Contains("--cluster", serve);
        Assert.Contains(Entries((YamlMappingNode)Setting(dashboard, "environment")!), e => e.Key == "SOVSIM_SERVE_TOKEN");
    }
}
