using NUnit.Framework;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

public class LcmPipelineCancellationTests
{
    private static LcmPipeline Pipeline => ShippedModel.Pipeline;

    [Test]
    public void A_job_after_a_cancelled_one_runs_its_text_encoder_and_succeeds()
    {
        var request = new GenerationRequest { Prompt = "cancelled " + Guid.NewGuid().ToString("N"), Seed = 3, Steps = 4, Width = 64, Height = 64 };
        using var cancellation = new CancellationTokenSource();
        var destination = new byte[LcmPipeline.RgbaByteCount(request)];
        LcmStepCallback cancelAfterFirstStep = (in LcmStepProgress progress) => cancellation.Cancel();
        Assert.That(
            () => Pipeline.Generate(request, destination, default, cancelAfterFirstStep, null, cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());

        // A prompt that is not cached yet: its first session run is the text encoder.
        var next = request with { Prompt = "after cancel " + Guid.NewGuid().ToString("N") };
        byte[] first = Pipeline.Generate(next);
        Pipeline.PromptCache.Clear();
        byte[] again = Pipeline.Generate(next);
        Assert.That(first, Is.EqualTo(again));
    }

    [Test]
    public void Preview_decoded_inside_the_callback_equals_the_preview_buffer()
    {
        var request = new GenerationRequest { Prompt = "green marble", Seed = 5, Steps = 3, Width = 64, Height = 64 };
        int bytes = LcmPipeline.RgbaByteCount(request);
        var destination = new byte[bytes];
        var preview = new byte[bytes];
        var decoded = new List<byte[]>();
        var viaBuffer = new List<byte[]>();
        LcmStepCallback onStep = (in LcmStepProgress progress) =>
        {
            var own = new byte[bytes];
            Pipeline.DecodePreview(own);
            decoded.Add(own);
            viaBuffer.Add(progress.PreviewRgba.ToArray());
        };
        Pipeline.Generate(request, destination, preview, onStep, null);

        Assert.Multiple(() =>
        {
            Assert.That(decoded, Has.Count.EqualTo(3));
            Assert.That(decoded, Is.EqualTo(viaBuffer));
            Assert.That(decoded[^1], Is.EqualTo(destination), "the last step's x0 is the final image");
            Assert.That(() => Pipeline.DecodePreview(new byte[bytes]), Throws.InvalidOperationException);
        });
    }
}
