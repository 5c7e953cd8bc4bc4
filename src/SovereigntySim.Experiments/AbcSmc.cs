using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Experiments;

/// <summary>How a prior spreads its mass: uniformly (linear) or uniformly in the logarithm (log, for a scale whose
/// order of magnitude is what is unknown).</summary>
public enum PriorScale { Linear, Log }

/// <summary>
/// A uniform prior on [Lo, Hi] in its scale's space. The algorithm works in that space (the logarithm for log), where
/// the prior density is a constant inside the bounds: perturbations, kernels and covariances are all taken there.
/// </summary>
public sealed record Prior(string Path, double Lo, double Hi, PriorScale Scale)
{
    public double ToSpace(double x) => Scale == PriorScale.Log ? Math.Log(x) : x;
    public double FromSpace(double z) => Scale == PriorScale.Log ? Math.Exp(z) : z;
    public double SpaceLo => ToSpace(Lo);
    public double SpaceHi => ToSpace(Hi);
}

/// <summary>Covariance of the perturbation kernel: twice the weighted covariance of the previous generation (full),
/// twice each parameter's weighted variance alone (diagonal), or one covariance per particle (local: the optimal local
/// covariance of Filippi et al. 2013, from the previous particles already within the new tolerance).</summary>
public enum AbcKernel { Full, Diagonal, Local }

/// <summary>
/// Budget and tuning of an ABC-SMC fit. Each generation's tolerance is the <see cref="Quantile"/> of the previous
/// generation's accepted distances. A generation may simulate at most <see cref="MaxSimulations"/> candidates
/// (Particles / MinAcceptance): one that cannot fill its particles within that is below the acceptance floor, and the
/// fit stops with the generation before it, so it always ends.
/// </summary>
public sealed record AbcSettings(int Particles, int Generations, long Seed, double Quantile = 0.5, double MinAcceptance = 0.02, AbcKernel Kernel = AbcKernel.Full)
{
    public int MaxSimulations => (int)Math.Ceiling(Particles / MinAcceptance);
}

/// <summary>A parameter vector to simulate: values in the priors' order (natural units), and the seed its simulation
/// uses, a pure function of (calibration seed, generation, attempt).</summary>
public sealed record Candidate(int Generation, int Attempt, IReadOnlyList<double> Values, long Seed);

/// <summary>An accepted particle: values (natural units), normalised importance weight, distance to the data.</summary>
public sealed record Particle(int Attempt, IReadOnlyList<double> Values, double Weight, double Distance);

/// <summary>One finished generation: its tolerance, how many candidates it simulated, its weighted particles.</summary>
public sealed record Population(int Generation, double Epsilon, int Simulations, IReadOnlyList<Particle> Particles)
{
    public double AcceptanceRate => Simulations == 0 ? 0 : (double)Particles.Count / Simulations;

    /// <summary>Kish's effective sample size, (Σw)² / Σw²: how many equally weighted particles the weighted ones are
    /// worth. Near 1, a few particles carry the weight and the posterior's intervals say little (more particles or
    /// fewer constants).</summary>
    public double EffectiveSampleSize
    {
        get
        {
            double sum = Particles.Sum(p => p.Weight), squares = Particles.Sum(p => p.Weight * p.Weight);
            return squares > 0 ? sum * sum / squares : 0;
        }
    }

    /// <summary>Whether the weights have collapsed onto a tenth of the particles or fewer (at least two).</summary>
    public bool Degenerate => Particles.Count > 1 && EffectiveSampleSize < Math.Max(2, Particles.Count / 10.0);
}

/// <summary>Where a generation stands: accepted of the particles wanted, candidates simulated so far.</summary>
public sealed record AbcProgress(int Generation, int Accepted, int Particles, int Simulated, double Epsilon);

/// <summary>One parameter's weighted posterior: mean, median and the 90% interval.</summary>
public sealed record PosteriorSummary(string Path, double Mean, double Median, double Q05, double Q95);

/// <summary>
/// Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont et al. 2009). Generation 0
/// samples the priors and accepts everything; generation g resamples the weighted particles of g − 1, perturbs them
/// with a Gaussian kernel of twice their weighted covariance, rejects what falls outside the priors' bounds and keeps
/// a candidate when its distance is at most ε_g. A particle's weight is π(θ) / Σ_j w_j K(θ | θ_j), normalised.
/// <para>Deterministic for a seed whatever the batching: candidate a of generation g is drawn from its own random
/// stream (seed, g, a), and a generation keeps the first accepted candidates in attempt order. The simulator is a
/// callback that takes a batch of candidates at once, so a cluster can run them side by side.</para>
/// </summary>
public sealed class AbcSmc
{
    private readonly IReadOnlyList<Prior> _priors;
    public AbcSettings Settings { get; }

    public AbcSmc(IReadOnlyList<Prior> priors, AbcSettings settings)
    {
        if (priors.Count == 0) throw new ArgumentException("at least one prior");
        foreach (var p in priors)
            if (!(p.Lo < p.Hi) || (p.Scale == PriorScale.Log && p.Lo <= 0) || !double.IsFinite(p.Lo) || !double.IsFinite(p.Hi))
                throw new ArgumentException($"{p.Path}: a prior needs finite lo < hi (and lo > 0 on a log scale)");
        if (settings.Particles < 1 || settings.Generations < 1) throw new ArgumentException("at least one particle and one generation");
        if (!(settings.Quantile > 0 && settings.Quantile <= 1)) throw new ArgumentException("the quantile is in (0, 1]");
        if (!(settings.MinAcceptance > 0 && settings.MinAcceptance <= 1)) throw new ArgumentException("the acceptance floor is in (0, 1]");
        _priors = priors;
        Settings = settings;
    }

    /// <summary>ε of the generation after <paramref name="previous"/>: the quantile of its distances (∞ for generation 0).</summary>
    public double EpsilonAfter(Population? previous) => previous is null
        ? double.PositiveInfinity
        : MathNet.Numerics.Statistics.Statistics.QuantileCustom(previous.Particles.Select(p => p.Distance), Settings.Quantile,
            MathNet.Numerics.Statistics.QuantileDefinition.R7);

    /// <summary>Runs generations after <paramref name="previous"/> (null: from the priors) until the budget of
    /// generations, or until one falls below the acceptance floor. Each finished generation goes to
    /// <paramref name="finished"/> before the next starts (to be saved).</summary>
    public async Task<IReadOnlyList<Population>> RunAsync(Population? previous, Func<IReadOnlyList<Candidate>, CancellationToken, Task<IReadOnlyList<double>>> distances,
        Func<Population, Task>? finished = null, IProgress<AbcProgress>? progress = null, CancellationToken cancellation = default)
    {
        var done = new List<Population>();
        while ((previous?.Generation + 1 ?? 0) < Settings.Generations && (previous is null || previous.AcceptanceRate >= Settings.MinAcceptance))
        {
            var next = await NextGenerationAsync(previous, distances, progress, cancellation);
            if (next is null) break;
            done.Add(next);
            if (finished is not null) await finished(next);
            previous = next;
        }
        return done;
    }

    /// <summary>The generation after <paramref name="previous"/>, or null when it could not accept its particles within
    /// <see cref="AbcSettings.MaxSimulations"/> candidates.</summary>
    public async Task<Population?> NextGenerationAsync(Population? previous, Func<IReadOnlyList<Candidate>, CancellationToken, Task<IReadOnlyList<double>>> distances,
        IProgress<AbcProgress>? progress = null, CancellationToken cancellation = default)
    {
        int generation = previous is null ? 0 : previous.Generation + 1;
        double epsilon = EpsilonAfter(previous);
        var kernel = previous is null ? null : new Kernel(_priors, previous, Settings.Kernel, epsilon);
        int wanted = Settings.Particles, cap = Settings.MaxSimulations;
        var accepted = new List<(Candidate Candidate, double Distance)>();
        int attempts = 0;
        // A first guess at the acceptance rate sizes the first batch; then the rate seen so far.
        double rate = previous is null ? 1 : previous.AcceptanceRate * Settings.Quantile;
        progress?.Report(new AbcProgress(generation, 0, wanted, 0, epsilon));
        while (accepted.Count < wanted && attempts < cap)
        {
            cancellation.ThrowIfCancellationRequested();
            int batch = (int)Math.Min(cap - attempts, Math.Ceiling((wanted - accepted.Count) / Math.Max(rate, Settings.MinAcceptance)));
            var candidates = Enumerable.Range(attempts, batch).Select(a => Propose(generation, a, kernel)).ToList();
            var d = await distances(candidates, cancellation);
            if (d.Count != batch) throw new InvalidOperationException($"the simulator returned {d.Count} distances for {batch} candidates");
            for (int i = 0; i < batch && accepted.Count < wanted; i++)
                if (d[i] <= epsilon) accepted.Add((candidates[i], d[i]));
            attempts += batch;
            rate = (double)accepted.Count / attempts;
            progress?.Report(new AbcProgress(generation, accepted.Count, wanted, attempts, epsilon));
        }
        if (accepted.Count < wanted) return null;
        // Counted up to the last accepted candidate, so the count does not depend on how candidates were batched.
        int simulations = accepted[^1].Candidate.Attempt + 1;
        var weights = accepted.Select(a => kernel is null ? 0.0 : kernel.LogWeight(a.Candidate.Values)).ToArray();
        double max = weights.Max(), total = weights.Sum(w => Math.Exp(w - max));
        var particles = accepted.Select((a, i) => new Particle(a.Candidate.Attempt, a.Candidate.Values, Math.Exp(weights[i] - max) / total, a.Distance)).ToList();
        return new Population(generation, epsilon, simulations, particles);
    }

    /// <summary>Candidate <paramref name="attempt"/> of a generation: from the priors in generation 0, else a perturbed
    /// particle of the previous generation inside the priors' bounds.</summary>
    public Candidate Propose(int generation, int attempt, Kernel? kernel)
    {
        var random = new StreamRandom(StreamKey(Settings.Seed, generation, attempt, 0));
        double[] z = kernel is null
            ? _priors.Select(p => p.SpaceLo + random.NextDouble() * (p.SpaceHi - p.SpaceLo)).ToArray()
            : kernel.Perturb(random);
        var values = _priors.Select((p, i) => Math.Clamp(p.FromSpace(z[i]), p.Lo, p.Hi)).ToArray();
        // Scenario seeds stay below 2^31 so they read the same in every tool.
        long seed = (long)(StreamKey(Settings.Seed, generation, attempt, 1) >> 33);
        return new Candidate(generation, attempt, values, seed);
    }

    private static ulong StreamKey(long seed, int generation, int attempt, int purpose) =>
        StreamRandom.Mix(StreamRandom.Mix(StreamRandom.Mix((ulong)seed) ^ (ulong)generation) ^ ((ulong)attempt << 2 | (uint)purpose));

    /// <summary>The perturbation kernel of one generation, in the priors' space: N(θ_j, Σ_j) around each previous particle
    /// θ_j. Full and diagonal: one Σ for every j, twice the weighted covariance of the previous particles (diagonal when
    /// asked, or when it is singular: every particle equal in one parameter). Local (Filippi et al. 2013, the optimal
    /// local covariance matrix): Σ_j = Σ_k w̃_k (θ̃_k − θ_j)(θ̃_k − θ_j)ᵀ over the previous particles θ̃_k whose distance
    /// is already within the new tolerance, weights w̃ renormalised on them: each particle moves toward where the next
    /// generation will be accepted, which keeps the weights from collapsing onto a few particles when many constants
    /// are fitted at once.</summary>
    public sealed class Kernel
    {
        private readonly IReadOnlyList<Prior> _priors;
        private readonly double[][] _centres;
        private readonly double[] _cumulative;
        private readonly double[] _weights;
        // One covariance per centre (the same instances for full and diagonal): Cholesky factor, inverse, log determinant.
        private readonly Matrix<double>[] _lower, _inverse;
        private readonly double[] _logDet;

        public Kernel(IReadOnlyList<Prior> priors, Population previous, AbcKernel shape, double epsilon = double.PositiveInfinity)
        {
            _priors = priors;
            int k = priors.Count, n = previous.Particles.Count;
            _centres = previous.Particles.Select(p => p.Values.Select((v, i) => priors[i].ToSpace(v)).ToArray()).ToArray();
            _weights = previous.Particles.Select(p => p.Weight).ToArray();
            _cumulative = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) _cumulative[j] = sum += _weights[j];
            _lower = new Matrix<double>[n];
            _inverse = new Matrix<double>[n];
            _logDet = new double[n];
            if (shape == AbcKernel.Local)
            {
                // The particles within the new tolerance; all of them if none is (ε is a quantile of their distances, so
                // some always are, but a population handed in from outside need not hold to that).
                var near = Enumerable.Range(0, n).Where(j => previous.Particles[j].Distance <= epsilon).ToArray();
                if (near.Length == 0) near = Enumerable.Range(0, n).ToArray();
                double nearSum = near.Sum(j => _weights[j]);
                for (int c = 0; c < n; c++)
                {
                    var cov = Matrix<double>.Build.Dense(k, k);
                    foreach (int j in near)
                        for (int a = 0; a < k; a++)
                            for (int b = 0; b < k; b++)
                                cov[a, b] += _weights[j] / nearSum * (_centres[j][a] - _centres[c][a]) * (_centres[j][b] - _centres[c][b]);
                    Factor(c, cov);
                }
                return;
            }
            var mean = new double[k];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < k; i++) mean[i] += _weights[j] / sum * _centres[j][i];
            var shared = Matrix<double>.Build.Dense(k, k);
            for (int j = 0; j < n; j++)
                for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++) shared[a, b] += 2 * _weights[j] / sum * (_centres[j][a] - mean[a]) * (_centres[j][b] - mean[b]);
            if (shape == AbcKernel.Diagonal) shared = Matrix<double>.Build.DenseOfDiagonalArray(shared.Diagonal().ToArray());
            Factor(0, shared);
            _logDet[0] = 0; // one covariance for every centre: its determinant cancels in the normalised weights
            for (int c = 1; c < n; c++) (_lower[c], _inverse[c], _logDet[c]) = (_lower[0], _inverse[0], _logDet[0]);
        }

        /// <summary>Factors centre <paramref name="c"/>'s covariance, made positive definite first: a parameter the particles
        /// agree on exactly still moves a little (a millionth of its prior's width), and a singular matrix falls back to
        /// its diagonal.</summary>
        private void Factor(int c, Matrix<double> cov)
        {
            for (int i = 0; i < cov.RowCount; i++) cov[i, i] = Math.Max(cov[i, i], Math.Pow(1e-6 * (_priors[i].SpaceHi - _priors[i].SpaceLo), 2));
            MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double>? cholesky = null;
            try { cholesky = cov.Cholesky(); } catch (ArgumentException) { }
            if (cholesky is null || cholesky.Determinant <= 0 || !double.IsFinite(cholesky.Determinant))
            {
                cov = Matrix<double>.Build.DenseOfDiagonalArray(cov.Diagonal().ToArray());
                cholesky = cov.Cholesky();
            }
            _lower[c] = cholesky.Factor;
            _inverse[c] = cov.Inverse();
            _logDet[c] = cholesky.DeterminantLn;
        }

        /// <summary>A weighted draw of a previous particle, moved by its kernel until it lands inside the priors.</summary>
        public double[] Perturb(Random random)
        {
            const int Tries = 100_000; // each try lands inside with probability about 2^-k at worst
            for (int t = 0; t < Tries; t++)
            {
                double u = random.NextDouble() * _cumulative[^1];
                int j = Array.BinarySearch(_cumulative, u);
                j = Math.Min(j < 0 ? ~j : j, _centres.Length - 1);
                var noise = Vector<double>.Build.Dense(_priors.Count, _ => Normal.Sample(random, 0, 1));
                var z = _lower[j] * noise;
                var moved = _centres[j].Select((c, i) => c + z[i]).ToArray();
                if (moved.Select((v, i) => v >= _priors[i].SpaceLo && v <= _priors[i].SpaceHi).All(x => x)) return moved;
            }
            throw new InvalidOperationException($"no perturbed particle inside the priors' bounds after {Tries} tries");
        }

        /// <summary>log of π(θ) / Σ_j w_j K_j(θ | θ_j) up to a constant: π is constant inside the bounds, and each kernel's
        /// normalising constant is (2π)^(-k/2) |Σ_j|^(-1/2), of which only the determinant differs between centres.</summary>
        public double LogWeight(IReadOnlyList<double> values)
        {
            var z = values.Select((v, i) => _priors[i].ToSpace(v)).ToArray();
            var terms = new double[_centres.Length];
            for (int j = 0; j < _centres.Length; j++)
            {
                var d = Vector<double>.Build.Dense(z.Length, i => z[i] - _centres[j][i]);
                terms[j] = Math.Log(_weights[j]) - 0.5 * _logDet[j] - 0.5 * d.DotProduct(_inverse[j] * d);
            }
            double max = terms.Max();
            return -(max + Math.Log(terms.Sum(t => Math.Exp(t - max))));
        }
    }

    /// <summary>Weighted mean, median and 90% interval of each parameter of a population.</summary>
    public static IReadOnlyList<PosteriorSummary> Summarise(IReadOnlyList<Prior> priors, Population population) =>
        priors.Select((p, i) =>
        {
            var values = population.Particles.Select(x => x.Values[i]).ToArray();
            var weights = population.Particles.Select(x => x.Weight).ToArray();
            return new PosteriorSummary(p.Path, values.Zip(weights, (v, w) => v * w).Sum() / weights.Sum(),
                WeightedQuantile(values, weights, 0.5), WeightedQuantile(values, weights, 0.05), WeightedQuantile(values, weights, 0.95));
        }).ToList();

    /// <summary>The smallest value whose cumulative weight reaches share q of the total (the inverse of the weighted
    /// empirical distribution function).</summary>
    public static double WeightedQuantile(IReadOnlyList<double> values, IReadOnlyList<double> weights, double q)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        double total = weights.Sum(), cumulative = 0;
        foreach (var i in order)
        {
            cumulative += weights[i];
            if (cumulative >= q * total) return values[i];
        }
        return values[order[^1]];
    }

    /// <summary>Index of a weighted draw: sample i with probability weights[i] / Σ weights, from one uniform u in [0, 1).</summary>
    public static int WeightedDraw(IReadOnlyList<double> weights, double u)
    {
        double total = weights.Sum(), target = u * total, cumulative = 0;
        for (int i = 0; i < weights.Count; i++)
            if ((cumulative += weights[i]) > target) return i;
        return weights.Count - 1;
    }
}
