using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Tests.Plugin.Pipeline;

/// <summary>RGBA8 written at a row pitch (rows of shared GPU memory padded by the driver) is the tightly packed output, row for row.</summary>
public class PitchedOutputTests
{
    private const byte Untouched = 0xCD;

    // The shared pipeline runs unmarked; this one marks its output, so the pitched watermark is covered too.
    private static readonly Lazy<LcmPipeline> Marked = new(() => LcmPipeline.Load(
        ShippedModel.Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 }, Watermark = true }));

    private static GenerationRequest Request => new() { Prompt = "rusty riveted steel", Seed = 7, Steps = 2, Width = 64, Height = 32 };

    [TestCase(0)]
    [TestCase(36)]
    [TestCase(64)]
    public void Pitched_generation_gives_the_tight_pixels_row_for_row_and_leaves_the_padding(int padding)
    {
        LcmPipeline pipeline = Marked.Value;
        GenerationRequest request = Request;
        byte[] tight = pipeline.Generate(request);
        int pitch = (request.Width * 4) + padding;
        var pitched = new byte[((request.Height - 1) * pitch) + (request.Width * 4)];
        Array.Fill(pitched, Untouched);

        pipeline.Generate(request, pitched, pitch, default, null, null);

        Assert.Multiple(() =>
        {
            Assert.That(Unpitch(pitched, request.Width, request.Height, pitch), Is.EqualTo(tight));
            Assert.That(PaddingUntouched(pitched, request.Width, request.Height, pitch), Is.True, "bytes between rows are left alone");
            Assert.That(tight, Is.Not.EqualTo(ShippedModel.Pipeline.Generate(request)), "the output is marked (differs from the unmarked pipeline's)");
        });
    }

    [Test]
    public void Pitched_marked_generation_allocates_nothing_after_warm_up()
    {
        LcmPipeline pipeline = Marked.Value;
        GenerationRequest request = Request;
        int pitch = (request.Width * 4) + 64;
        var destination = new byte[((request.Height - 1) * pitch) + (request.Width * 4)];
        pipeline.Generate(request, destination, pitch, default, null, null);
        pipeline.Generate(request, destination, pitch, default, null, null);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            pipeline.Generate(request, destination, pitch, default, null, null);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void A_pitched_preview_equals_the_tight_preview_of_the_same_step()
    {
        LcmPipeline pipeline = Marked.Value;
        GenerationRequest request = Request with { Steps = 3 };
        int pitch = (request.Width * 4) + 20;
        var tight = new List<byte[]>();
        var pitched = new List<byte[]>();
        LcmStepCallback onStep = (in LcmStepProgress progress) =>
        {
            var a = new byte[request.Width * request.Height * 4];
            pipeline.DecodePreview(a);
            var b = new byte[((request.Height - 1) * pitch) + (request.Width * 4)];
            pipeline.DecodePreview(b, pitch);
            tight.Add(a);
            pitched.Add(Unpitch(b, request.Width, request.Height, pitch));
        };

        pipeline.Generate(request, new byte[LcmPipeline.RgbaByteCount(request)], default, onStep, null);

        Assert.That(pitched, Has.Count.EqualTo(3));
        Assert.That(pitched, Is.EqualTo(tight));
    }

    [Test]
    public void A_destination_that_does_not_fit_the_pitch_is_refused_with_the_expected_size()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        GenerationRequest request = Request;
        var exactTight = new byte[LcmPipeline.RgbaByteCount(request)];
        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(request, exactTight, 300, default, null, null));
        var narrow = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Generate(request, exactTight, 200, default, null, null));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain($"Expected {(31 * 300) + 256} bytes").And.Contain("row pitch 300"));
            Assert.That(narrow!.Message, Does.Contain("at least 256 bytes"));
        });
    }

    [Test]
    public void The_pitched_watermark_marks_the_same_pixels_as_the_tight_one()
    {
        const int Width = 72;
        const int Height = 40;
        const int Pitch = (Width * 4) + 12;
        var tight = new byte[Width * Height * 4];
        new Random(3).NextBytes(tight);
        var pitched = new byte[((Height - 1) * Pitch) + (Width * 4)];
        Array.Fill(pitched, Untouched);
        for (int y = 0; y < Height; y++)
        {
            tight.AsSpan(y * Width * 4, Width * 4).CopyTo(pitched.AsSpan(y * Pitch));
        }

        var payload = new WatermarkPayload(0x1234_5678);
        InvisibleWatermark.Embed(tight, Width, Height, payload);
        InvisibleWatermark.Embed(pitched, Width, Height, Pitch, payload);
        var wrong = Assert.Throws<RealtimeGenException>(() => InvisibleWatermark.Embed(pitched.AsSpan(1), Width, Height, Pitch, payload));

        Assert.Multiple(() =>
        {
            Assert.That(Unpitch(pitched, Width, Height, Pitch), Is.EqualTo(tight));
            Assert.That(PaddingUntouched(pitched, Width, Height, Pitch), Is.True);
            Assert.That(wrong!.Message, Does.Contain($"rows {Pitch} bytes apart"));
        });
    }

    private static byte[] Unpitch(byte[] pitched, int width, int height, int pitch)
    {
        var tight = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            pitched.AsSpan(y * pitch, width * 4).CopyTo(tight.AsSpan(y * width * 4));
        }

        return tight;
    }

    private static bool PaddingUntouched(byte[] pitched, int width, int height, int pitch)
    {
        for (int y = 0; y < height - 1; y++)
        {
            foreach (byte value in pitched.AsSpan((y * pitch) + (width * 4), pitch - (width * 4)))
            {
                if (value != Untouched)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
