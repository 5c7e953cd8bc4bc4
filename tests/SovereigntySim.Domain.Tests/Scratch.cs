using SovereigntySim.Domain.Randomness;
namespace SovereigntySim.Domain.Tests;
public class Scratch
{
    [Fact]
    public void Probe()
    {
        var a = new StreamRandom(1); var b = new StreamRandom(2);
        var s = $"i64 {a.NextInt64()} {b.NextInt64()} ctr {a.Counter} {b.Counter}; single {a.NextSingle()} {b.NextSingle()} ctr {a.Counter}; i64r {a.NextInt64(1000)} {b.NextInt64(1000)} ctr {a.Counter}";
        Assert.Fail(s);
    }
}
