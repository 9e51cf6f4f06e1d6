using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Scheduling;

namespace RealtimeGen.Tests.Plugin.Scheduling;

public class LcmSchedulerTests
{
    private static LcmScheduler NewScheduler() => new(new LcmSchedulerConfig());

    [TestCase(1, new[] { 999 })]
    [TestCase(2, new[] { 999, 499 })]
    [TestCase(4, new[] { 999, 759, 499, 259 })]
    [TestCase(8, new[] { 999, 879, 759, 639, 499, 379, 259, 139 })]
    public void Timesteps_follow_the_skipping_schedule_of_50_original_steps(int steps, int[] expected)
    {
        LcmScheduler scheduler = NewScheduler();
        scheduler.SetTimesteps(steps);
        Assert.That(scheduler.Timesteps.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Strength_cuts_the_grid_for_img2img()
    {
        // diffusers: grid of int(50·0.5) = 25 points 19 … 499; 4 steps take indices 0, 6, 12, 18 of it reversed.
        LcmScheduler scheduler = NewScheduler();
        scheduler.SetTimesteps(4, 0.5);
        Assert.That(scheduler.Timesteps.ToArray(), Is.EqualTo(new[] { 499, 379, 259, 139 }));
    }

    [TestCase(0)]
    [TestCase(51)]
    public void Steps_outside_the_grid_are_refused(int steps)
    {
        var e = Assert.Throws<RealtimeGenException>(() => NewScheduler().SetTimesteps(steps));
        Assert.That(e!.Message, Does.Contain("steps"));
    }

    // Expected values: torch 1.13 float32, betas = linspace(√0.00085, √0.012, 1000)², cumprod(1 − β)
    // (the published scaled_linear schedule), printed with /usr/bin/python3.
    [TestCase(0, 9.9914997816e-01)]
    [TestCase(19, 9.8224395514e-01)]
    [TestCase(259, 6.5897524357e-01)]
    [TestCase(499, 2.7766945958e-01)]
    [TestCase(759, 5.2212893963e-02)]
    [TestCase(999, 4.6600960195e-03)]
    public void Alphas_cumprod_match_the_scaled_linear_schedule(int t, double expected) =>
        Assert.That(NewScheduler().AlphasCumprod[t], Is.EqualTo(expected).Within(2e-6 * Math.Max(expected, 0.01)));

    [Test]
    public void Boundary_scalings_follow_the_published_formulas()
    {
        NewScheduler().GetBoundaryScalings(759, out double cSkip, out double cOut);
        Assert.That(cSkip, Is.EqualTo(4.339667493201184e-09).Within(1e-15));
        Assert.That(cOut, Is.EqualTo(0.9999999978301662).Within(1e-12));
    }

    // Expected values: an independent torch float32 evaluation of x₀ = (x − √(1−ᾱ)ε)/√ᾱ,
    // denoised = c_out·x₀ + c_skip·x, x_prev = √ᾱ_prev·denoised + √(1−ᾱ_prev)·noise on these fixed tensors.
    private static readonly float[] Sample = [0.5f, -1.0f, 0.25f, 2.0f];
    private static readonly float[] Epsilon = [0.1f, -0.2f, 0.3f, -0.4f];
    private static readonly float[] Noise = [1.0f, -0.5f, 0.0f, 0.7f];

    [Test]
    public void A_middle_step_denoises_and_renoises_to_the_next_timestep()
    {
        LcmScheduler scheduler = NewScheduler();
        scheduler.SetTimesteps(4);
        var previous = new float[4];
        var denoised = new float[4];
        scheduler.Step(1, Epsilon, Sample, Noise, previous, denoised);
        Assert.That(denoised, Is.EqualTo(new[] { 1.76211452f, -3.52422905f, -0.18408240f, 10.45690441f }).Within(2e-5f));
        Assert.That(previous, Is.EqualTo(new[] { 1.77843511f, -2.28201985f, -0.09700102f, 6.10512781f }).Within(2e-5f));
    }

    [Test]
    public void The_last_step_returns_the_denoised_sample_without_noise()
    {
        LcmScheduler scheduler = NewScheduler();
        scheduler.SetTimesteps(4);
        float[] latents = (float[])Sample.Clone();
        var denoised = new float[4];
        scheduler.Step(3, Epsilon, latents, default, latents, denoised);
        float[] expected = [0.54399782f, -1.08799565f, 0.09215390f, 2.75149512f];
        Assert.That(denoised, Is.EqualTo(expected).Within(2e-6f));
        Assert.That(latents, Is.EqualTo(expected).Within(2e-6f));
    }

    [Test]
    public void Add_noise_is_forward_diffusion()
    {
        LcmScheduler scheduler = NewScheduler();
        var noisy = new float[4];
        scheduler.AddNoise(Sample, Noise, 499, noisy);
        double a = scheduler.AlphasCumprod[499];
        for (int i = 0; i < 4; i++)
        {
            Assert.That(noisy[i], Is.EqualTo((Math.Sqrt(a) * Sample[i]) + (Math.Sqrt(1 - a) * Noise[i])).Within(1e-6));
        }
    }

    [Test]
    public void V_prediction_recovers_x0_from_velocity()
    {
        // With v = √ᾱ·ε − √(1−ᾱ)·x₀ and x = √ᾱ·x₀ + √(1−ᾱ)·ε, x₀ = √ᾱ·x − √(1−ᾱ)·v exactly.
        var scheduler = new LcmScheduler(new LcmSchedulerConfig { PredictionType = PredictionType.VPrediction });
        scheduler.SetTimesteps(1);
        double a = scheduler.AlphasCumprod[999];
        float x0 = 0.7f;
        float e = -0.3f;
        float x = (float)((Math.Sqrt(a) * x0) + (Math.Sqrt(1 - a) * e));
        float v = (float)((Math.Sqrt(a) * e) - (Math.Sqrt(1 - a) * x0));
        var result = new float[1];
        var denoised = new float[1];
        scheduler.Step(0, [v], [x], default, result, denoised);
        scheduler.GetBoundaryScalings(999, out double cSkip, out double cOut);
        Assert.That(denoised[0], Is.EqualTo((cOut * x0) + (cSkip * x)).Within(1e-5));
    }
}
