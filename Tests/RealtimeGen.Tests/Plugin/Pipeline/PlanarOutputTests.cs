using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

/// <summary>
/// The decoder's output written through IOBinding into a caller's tensor (what the GPU routes bind to shared memory),
/// here a CPU tensor over managed floats: converted as the GPU pass converts, it is the RGBA8 path's image bit for bit.
/// </summary>
public class PlanarOutputTests
{
    private static GenerationRequest Request => new() { Prompt = "mossy cobblestones", Seed = 11, Steps = 2, Width = 64, Height = 64 };

    [Test]
    public void Planar_output_converted_on_the_cpu_equals_the_rgba_path_bit_for_bit()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        GenerationRequest request = Request;
        var planar = new float[3 * request.Width * request.Height];
        using OrtValue destination = OrtValue.CreateTensorValueFromMemory(planar, [1, 3, request.Height, request.Width]);

        pipeline.GeneratePlanar(request, destination);

        byte[] rgba = pipeline.Generate(request);
        Assert.Multiple(() =>
        {
            Assert.That(PlanarToRgba(planar, request.Width, request.Height), Is.EqualTo(rgba));
            Assert.That(planar.Distinct().Count(), Is.GreaterThan(100), "the decoder wrote an image, not a constant");
        });
    }

    [Test]
    public void Same_seed_twice_gives_identical_planar_output_and_another_seed_differs()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        GenerationRequest request = Request;
        var first = new float[3 * request.Width * request.Height];
        var second = new float[first.Length];
        var other = new float[first.Length];
        using OrtValue a = OrtValue.CreateTensorValueFromMemory(first, [1, 3, request.Height, request.Width]);
        using OrtValue b = OrtValue.CreateTensorValueFromMemory(second, [1, 3, request.Height, request.Width]);
        using OrtValue c = OrtValue.CreateTensorValueFromMemory(other, [1, 3, request.Height, request.Width]);

        pipeline.GeneratePlanar(request, a);
        pipeline.GeneratePlanar(request, b);
        pipeline.GeneratePlanar(request with { Seed = 12 }, c);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(other, Is.Not.EqualTo(first));
        });
    }

    [Test]
    public void Planar_preview_inside_the_step_callback_equals_the_rgba_preview()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        GenerationRequest request = Request;
        var planar = new float[3 * request.Width * request.Height];
        var previewRgba = new byte[LcmPipeline.RgbaByteCount(request)];
        var final = new float[planar.Length];
        using OrtValue previewValue = OrtValue.CreateTensorValueFromMemory(planar, [1, 3, request.Height, request.Width]);
        using OrtValue finalValue = OrtValue.CreateTensorValueFromMemory(final, [1, 3, request.Height, request.Width]);
        byte[]? firstPlanarPreview = null;

        pipeline.GeneratePlanar(request, finalValue, (in LcmStepProgress progress) =>
        {
            if (progress.Step == 1)
            {
                pipeline.DecodePreview(previewValue);
                firstPlanarPreview = PlanarToRgba(planar, request.Width, request.Height);
            }
        });
        pipeline.Generate(request, new byte[previewRgba.Length], previewRgba, (in LcmStepProgress progress) =>
        {
            if (progress.Step == 1)
            {
                previewRgba = progress.PreviewRgba.ToArray();
            }
        }, null);

        Assert.That(firstPlanarPreview, Is.EqualTo(previewRgba));
    }

    [Test]
    public void Planar_decoding_allocates_nothing_after_warm_up()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        GenerationRequest request = Request;
        var planar = new float[3 * request.Width * request.Height];
        using OrtValue destination = OrtValue.CreateTensorValueFromMemory(planar, [1, 3, request.Height, request.Width]);
        pipeline.GeneratePlanar(request, destination);
        pipeline.GeneratePlanar(request, destination);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            pipeline.GeneratePlanar(request, destination);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [TestCase(1, 3, 32, 64, "float32[1,3,32,64]")]
    [TestCase(1, 4, 64, 64, "float32[1,4,64,64]")]
    [TestCase(2, 3, 64, 64, "float32[2,3,64,64]")]
    public void A_wrong_shape_is_refused_before_any_work_with_both_shapes_named(int n, int c, int h, int w, string found)
    {
        using OrtValue destination = OrtValue.CreateTensorValueFromMemory(new float[n * c * h * w], [n, c, h, w]);

        var error = Assert.Throws<RealtimeGenException>(() => ShippedModel.Pipeline.GeneratePlanar(Request, destination,
            (in LcmStepProgress _) => throw new AssertionException("denoised before checking the destination")))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("float32[1,3,64,64]").Or.Contain("[1,3,64,64]"));
            Assert.That(error.Message, Does.Contain(found));
        });
    }

    [Test]
    public void A_wrong_element_type_is_refused_with_the_type_named()
    {
        using OrtValue destination = OrtValue.CreateTensorValueFromMemory(new double[3 * 64 * 64], [1, 3, 64, 64]);

        var error = Assert.Throws<RealtimeGenException>(() => ShippedModel.Pipeline.GeneratePlanar(Request, destination))!;

        Assert.That(error.Message, Does.Contain("float64[1,3,64,64]").And.Contain("float32"));
    }

    [Test]
    public void A_seamless_request_is_refused_for_planar_output_and_CanDecodePlanar_says_so()
    {
        GenerationRequest seamless = Request with { Seamless = true };
        using OrtValue destination = OrtValue.CreateTensorValueFromMemory(new float[3 * 64 * 64], [1, 3, 64, 64]);

        var error = Assert.Throws<RealtimeGenException>(() => ShippedModel.Pipeline.GeneratePlanar(seamless, destination))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("seamless").And.Contain("RGBA8 path"));
            Assert.That(ShippedModel.Pipeline.CanDecodePlanar(seamless), Is.False);
            Assert.That(ShippedModel.Pipeline.CanDecodePlanar(Request), Is.True);
        });
    }

    [Test]
    public void DecodePreview_into_a_planar_output_outside_a_step_callback_is_refused()
    {
        using OrtValue destination = OrtValue.CreateTensorValueFromMemory(new float[3 * 64 * 64], [1, 3, 64, 64]);

        Assert.Throws<InvalidOperationException>(() => ShippedModel.Pipeline.DecodePreview(destination));
    }

    // The CPU conversion of the RGBA8 path, written out here independently: (x / 2 + 0.5) clamped, × 255, + 0.5, truncated.
    internal static byte[] PlanarToRgba(float[] planar, int width, int height)
    {
        int plane = width * height;
        var rgba = new byte[plane * 4];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                rgba[(i * 4) + c] = (byte)((Math.Clamp((planar[(c * plane) + i] * 0.5f) + 0.5f, 0f, 1f) * 255f) + 0.5f);
            }

            rgba[(i * 4) + 3] = 255;
        }

        return rgba;
    }
}
