using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace SovereigntySim.Hosting;

/// <summary>
/// The scripted cluster's mutual TLS: silos and clients hold the cluster's one certificate (cluster.pfx, made by
/// scripts/cluster beside the database password file, mode 600) and accept a peer only if it presents that same
/// certificate. A local user who cannot read the state folder can no longer join the gateway and read or clear a
/// run's checkpoints (the database password protected nothing while the gateway was open).
/// </summary>
public static class ClusterCertificate
{
    public const string FileName = "cluster.pfx";

    /// <summary>The name in the certificate, checked as the target host of every connection.</summary>
    public const string HostName = "sovsim-cluster";

    /// <summary>Where the cluster's certificate is: beside the password file the connection string names, or
    /// null when it names none (a cluster on a private network of its own, as docker-compose.yml starts).</summary>
    public static string? PathFor(string connectionString)
    {
        var passfile = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Passfile;
        return string.IsNullOrEmpty(passfile) ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(passfile))!, FileName);
    }

    /// <summary>Loads the certificate, refusing one that is missing or that other users can read.</summary>
    public static X509Certificate2 Load(string path)
    {
        if (!File.Exists(path))
            throw new ClusterFaultException($"the cluster's certificate {path} is missing (scripts/cluster up makes it); nothing was run");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new ClusterFaultException($"the cluster's certificate {path} can be read or written by other users (chmod 600 it); nothing was run");
        try { return X509CertificateLoader.LoadPkcs12FromFile(path, password: null); }
        catch (CryptographicException e)
        {
            throw new ClusterFaultException($"the cluster's certificate {path} does not load ({e.Message.Split('\n')[0].Trim()}); nothing was run");
        }
    }

    /// <summary>Mutual TLS with the one certificate: both ends present it and accept only a peer presenting it too
    /// (compared by its SHA-256 hash, not by a chain: it is self-signed and pinned).</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        var pinned = certificate.GetCertHash(HashAlgorithmName.SHA256);
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, errors) =>
            (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && remote.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned);
        options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = HostName;
    }
}
