using SovereigntySim.Domain.Randomness;

namespace SovereigntySim.Experiments;

/// <summary>
/// The Sobol' low-discrepancy sequence (Sobol' 1967) in up to <see cref="MaxDimensions"/> dimensions, 32-bit, in
/// Gray-code order (Antonov &amp; Saleev 1979), with the direction numbers of Joe &amp; Kuo (2008). Its first 2^m
/// points fill every dimension's 2^m strata exactly once, so Saltelli estimates converge faster than with
/// pseudo-random draws (best with a power-of-two count). An optional random digital shift (XOR with one random
/// 32-bit word per dimension, from the seed's stream) keeps those net properties while making the points
/// depend on the seed, so replicate designs differ and no point sits at the origin.
/// </summary>
public static class SobolSequence
{
    // Direction numbers for dimensions 2 to 32: the first 31 data lines (d, s, a, m_1 … m_s) of new-joe-kuo-6.21201,
    // from S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional projections", SIAM J.
    // Sci. Comput. 30, 2635–2654 (2008), https://web.maths.unsw.edu.au/~fkuo/sobol/ (dimension 1 has all m = 1).
    // They are redistributed under the following licence:
    //
    //   Copyright (c) 2008, Frances Y. Kuo and Stephen Joe. All rights reserved.
    //
    //   Redistribution and use in source and binary forms, with or without modification, are permitted provided
    //   that the following conditions are met: redistributions of source code must retain the above copyright
    //   notice, this list of conditions and the following disclaimer; redistributions in binary form must
    //   reproduce the above copyright notice, this list of conditions and the following disclaimer in the
    //   documentation and/or other materials provided with the distribution; neither the names of the copyright
    //   holders nor the names of the University of New South Wales and the University of Waikato and its
    //   contributors may be used to endorse or promote products derived from this software without specific prior
    //   written permission.
    //
    //   THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES,
    //   INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
    //   PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDERS BE LIABLE FOR ANY DIRECT, INDIRECT,
    //   INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
    //   SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
    //   ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR
    //   OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
    //   DAMAGE.
    private const string JoeKuo = """
        2 1 0 1
        3 2 1 1 3
        4 3 1 1 3 1
        5 3 2 1 1 1
        6 4 1 1 1 3 3
        7 4 4 1 3 5 13
        8 5 2 1 1 5 5 17
        9 5 4 1 1 5 5 5
        10 5 7 1 1 7 11 19
        11 5 11 1 1 5 1 1
        12 5 13 1 1 1 3 11
        13 5 14 1 3 5 5 31
        14 6 1 1 3 3 9 7 49
        15 6 13 1 1 1 15 21 21
        16 6 16 1 3 1 13 27 49
        17 6 19 1 1 1 15 7 5
        18 6 22 1 3 1 15 13 25
        19 6 25 1 1 5 5 19 61
        20 7 1 1 3 7 11 23 15 103
        21 7 4 1 3 7 13 13 15 69
        22 7 7 1 1 3 13 7 35 63
        23 7 8 1 3 5 9 1 25 53
        24 7 14 1 3 1 13 9 35 107
        25 7 19 1 3 1 5 27 61 31
        26 7 21 1 1 5 11 19 41 61
        27 7 28 1 3 5 3 3 13 69
        28 7 31 1 1 7 13 1 19 1
        29 7 32 1 3 7 5 13 19 59
        30 7 37 1 1 3 9 25 29 41
        31 7 41 1 3 5 13 23 1 55
        32 7 42 1 3 7 3 13 59 17
        """;

    private const int Bits = 32;
    private static readonly uint[][] Directions = BuildDirections();

    /// <summary>Dimensions with direction numbers here (a Saltelli design uses two per parameter).</summary>
    public static int MaxDimensions => Directions.Length;

    /// <summary>
    /// The first <paramref name="count"/> points (rows) of the sequence in <paramref name="dimensions"/> dimensions,
    /// each coordinate in [0, 1); digitally shifted by the stream of <paramref name="seed"/> when one is given.
    /// </summary>
    public static double[][] Points(int count, int dimensions, long? seed = null)
    {
        if (dimensions < 1 || dimensions > MaxDimensions)
            throw new ArgumentException($"the Sobol' sequence here has 1 to {MaxDimensions} dimensions, asked for {dimensions}");
        if (count < 0) throw new ArgumentException($"cannot make {count} points");
        var shift = new uint[dimensions];
        if (seed is long s)
        {
            var random = new StreamRandom(Seeds.ForAgent(s, "experiments/sobol-shift"));
            for (int d = 0; d < dimensions; d++) shift[d] = (uint)(random.NextUInt64() >> 32);
        }
        var points = new double[count][];
        var x = new uint[dimensions];
        for (int n = 0; n < count; n++)
        {
            if (n > 0)
            {
                // Gray-code order: point n differs from point n − 1 by the direction number of the lowest zero bit
                // of n − 1.
                int bit = System.Numerics.BitOperations.TrailingZeroCount(~(uint)(n - 1));
                for (int d = 0; d < dimensions; d++) x[d] ^= Directions[d][bit];
            }
            var row = points[n] = new double[dimensions];
            for (int d = 0; d < dimensions; d++) row[d] = (x[d] ^ shift[d]) / 4294967296.0;
        }
        return points;
    }

    private static uint[][] BuildDirections()
    {
        var lines = JoeKuo.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var directions = new uint[lines.Length + 1][];
        // Dimension 1: all m = 1, i.e. v_i = 2^−i (the van der Corput sequence).
        directions[0] = Enumerable.Range(1, Bits).Select(i => 1u << (Bits - i)).ToArray();
        for (int line = 0; line < lines.Length; line++)
        {
            int[] f = lines[line].Split(' ').Select(int.Parse).ToArray();
            int s = f[1], a = f[2];
            var v = new uint[Bits + 1]; // 1-based as in Joe & Kuo's notes
            for (int i = 1; i <= s; i++) v[i] = (uint)f[2 + i] << (Bits - i);
            // The recurrence of the primitive polynomial x^s + a_1 x^(s−1) + … + a_(s−1) x + 1.
            for (int i = s + 1; i <= Bits; i++)
            {
                v[i] = v[i - s] ^ (v[i - s] >> s);
                for (int k = 1; k < s; k++)
                    if (((a >> (s - 1 - k)) & 1) != 0) v[i] ^= v[i - k];
            }
            directions[line + 1] = v[1..];
        }
        return directions;
    }
}
