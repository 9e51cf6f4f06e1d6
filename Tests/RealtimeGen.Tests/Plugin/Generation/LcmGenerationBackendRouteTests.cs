using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>The backend's choice between a texture's GPU output route and staging slots, with the real shipped model.</summary>
public class LcmGenerationBackendRouteTests
{
    private const int Size = 64;

    private static readonly GenerationRequest Request = new TextureRequest("cracked red clay") { Seed = 41, Steps = 2, Width = Size, Height = Size }
        .ToGenerationRequest();

    [Test]
    public void With_a_free_route_the_preview_and_the_final_are_decoded_into_it_with_the_rgba_paths_bytes()
    {
        using var route = new CpuPlanarRoute(Size, Size);
        var output = new RoutedOutput(route, Size, Size, _ => RouteWriteStatus.Begun);

        Generate(output);

        Assert.Multiple(() =>
        {
            Assert.That(output.Final, Is.Not.Null);
            Assert.That(output.Final!.Value.Route, Is.True);
            Assert.That(output.Final.Value.Rgba, Is.EqualTo(ShippedModel.Pipeline.Generate(Request)));
            Assert.That(output.Previews.Select(p => p.Route), Is.EqualTo(new[] { true }), "the one preview (step 1 of 2) went through the route");
            Assert.That(output.Producers, Is.All.EqualTo(ExecutionProvider.Cpu), "the backend names the decoder's provider");
        });
    }

    [Test]
    public void A_busy_route_is_polled_for_the_final_and_previews_without_a_route_take_slots()
    {
        using var route = new CpuPlanarRoute(Size, Size);

        // Call 0: the preview (no route yet); calls 1-3: the final finds the route busy, then free.
        var output = new RoutedOutput(route, Size, Size, call => call switch
        {
            0 => RouteWriteStatus.Unavailable,
            1 or 2 => RouteWriteStatus.Busy,
            _ => RouteWriteStatus.Begun,
        });

        Generate(output);

        Assert.Multiple(() =>
        {
            Assert.That(output.Previews.Select(p => p.Route), Is.EqualTo(new[] { false }), "the preview took a slot");
            Assert.That(output.Final!.Value.Route, Is.True, "the final waited for the route");
            Assert.That(output.Producers, Has.Count.EqualTo(4));
            Assert.That(output.Final.Value.Rgba, Is.EqualTo(ShippedModel.Pipeline.Generate(Request)));
        });
    }

    [Test]
    public void A_final_without_a_route_takes_a_slot_with_the_same_bytes()
    {
        using var route = new CpuPlanarRoute(Size, Size);
        var output = new RoutedOutput(route, Size, Size, call => call == 0 ? RouteWriteStatus.Begun : RouteWriteStatus.Unavailable);

        Generate(output);

        Assert.Multiple(() =>
        {
            Assert.That(output.Previews.Select(p => p.Route), Is.EqualTo(new[] { true }));
            Assert.That(output.Final!.Value.Route, Is.False);
            Assert.That(output.Final.Value.Rgba, Is.EqualTo(ShippedModel.Pipeline.Generate(Request)));
        });
    }

    [Test]
    public void A_route_whose_output_does_not_fit_fails_the_job_clearly_and_is_released()
    {
        // The route says 64×64 but its tensor is 64 high and 32 wide: the decoder output check refuses it.
        using var route = new CpuPlanarRoute(Size, Size, outputWidth: 32);
        var output = new RoutedOutput(route, Size, Size, _ => RouteWriteStatus.Begun);

        var error = Assert.Throws<RealtimeGenException>(() => Generate(output))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("[1,3,64,64]").And.Contain("[1,3,64,32]"));
            Assert.That(route.Discards, Is.EqualTo(1), "the begun write was given back");
            Assert.That(route.Writing, Is.False);
        });
    }

    [Test]
    public void A_watermarking_pipeline_takes_slots_for_finals_even_with_a_free_route()
    {
        using var pipeline = LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 }, Watermark = true });
        using var route = new CpuPlanarRoute(Size, Size);
        var output = new RoutedOutput(route, Size, Size, _ => RouteWriteStatus.Begun);
        using var backend = new LcmGenerationBackend(pipeline, ownsPipeline: false);

        backend.Generate(Job(), output, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(output.Final!.Value.Route, Is.False, "the mark is embedded on CPU RGBA");
            Assert.That(output.Final.Value.Rgba, Is.EqualTo(pipeline.Generate(Request)));
            Assert.That(output.Previews.Select(p => p.Route), Is.EqualTo(new[] { true }), "previews still take the route");
        });
    }

    private static void Generate(RoutedOutput output)
    {
        using var backend = new LcmGenerationBackend(ShippedModel.Pipeline, ownsPipeline: false);
        backend.Generate(Job(), output, CancellationToken.None);
    }

    private static GenerationJob Job() => new(1, 1, Request, 0, false, 1, new StreamedTextureHandle(0, 0));
}
