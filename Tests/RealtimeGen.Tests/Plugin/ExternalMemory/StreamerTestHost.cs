using NUnit.Framework;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

/// <summary>What the external-memory streamer tests share: a real streamer on lavapipe + llvmpipe (the test is
/// ignored, with the reason, where Vulkan external memory is missing), tight submits and texture read-back.</summary>
internal static class StreamerTestHost
{
    /// <summary>Runs <paramref name="work"/> on a headless GL context with an <see cref="ExternalMemoryStreamer"/>.</summary>
    public static T WithStreamer<T>(TextureStreamerOptions options, Func<EglHeadlessContext, ExternalMemoryStreamer, T> work)
    {
        string? unavailable = null;
        T result = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                unavailable = selection.Reason;
                return default!;
            }

            using var shared = new ExternalMemoryStreamer(selection, options);
            return work(context, shared);
        });

        if (unavailable is not null)
        {
            Assert.Ignore($"No Vulkan external memory here: {unavailable}");
        }

        return result;
    }

    /// <summary>Submits a tightly packed image through a scratch slot, as a worker without a target does.</summary>
    public static void SubmitTight(ITextureSink sink, StreamedTextureHandle handle, byte[] image, int width, int height)
    {
        if (!sink.TryAcquireSlot(out StagingSlot? slot))
        {
            throw new InvalidOperationException("No free slot.");
        }

        image.CopyTo(slot.GetSpan(image.Length));
        sink.Submit(slot, handle, width, height);
    }

    /// <summary>Level 0 of the texture, RGBA8.</summary>
    public static byte[] Read(Texture2D texture)
    {
        var pixels = new byte[texture.Width * texture.Height * 4];
        texture.ReadPixels(pixels);
        return pixels;
    }
}
