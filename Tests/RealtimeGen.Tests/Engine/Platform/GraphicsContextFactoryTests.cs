using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Platform.Native;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Engine.Platform;

public class GraphicsContextFactoryTests
{
    private static string? NoDisplay(string name) => null;

    [Test]
    public void Windowed_without_a_display_is_a_clear_error()
    {
        var options = new GraphicsContextOptions { Mode = GraphicsContextMode.Windowed };

        var exception = Assert.Throws<RealtimeGenException>(() => GraphicsContextFactory.Create(options, NoDisplay));

        Assert.That(exception!.Message, Does.Contain("DISPLAY").And.Contain("WAYLAND_DISPLAY")
            .And.Contain("xvfb").And.Contain("--headless"));
    }

    [Test]
    public void Auto_without_a_display_creates_a_headless_context()
    {
        GlTestHost.Run(_ => { });

        (bool headless, uint framebuffer, int width) = FreshThread.Run(() =>
        {
            using IGraphicsContext context = GraphicsContextFactory.Create(
                new GraphicsContextOptions { Width = 16, Height = 8, Debug = false }, NoDisplay);
            return (context.IsHeadless, context.DefaultFramebuffer, context.Width);
        });

        Assert.Multiple(() =>
        {
            Assert.That(headless, Is.True);
            Assert.That(framebuffer, Is.Not.Zero, "headless frames go to the context's own framebuffer");
            Assert.That(width, Is.EqualTo(16));
        });
    }

    [Test]
    public void Headless_is_chosen_even_when_a_display_is_named()
    {
        GlTestHost.Run(_ => { });

        bool headless = FreshThread.Run(() =>
        {
            using IGraphicsContext context = GraphicsContextFactory.Create(
                new GraphicsContextOptions { Mode = GraphicsContextMode.Headless, Width = 4, Height = 4, Debug = false },
                name => name == "DISPLAY" ? ":0" : null);
            return context.IsHeadless;
        });

        Assert.That(headless, Is.True);
    }

    [TestCase(null, null, null)]
    [TestCase("", "", null)]
    [TestCase(":1", null, "DISPLAY=:1")]
    [TestCase(null, "wayland-0", "WAYLAND_DISPLAY=wayland-0")]
    [TestCase(":1", "wayland-0", "DISPLAY=:1")]
    public void Display_is_found_from_DISPLAY_or_WAYLAND_DISPLAY(string? x11, string? wayland, string? expected)
    {
        string? found = GraphicsContextFactory.DescribeDisplay(name => name switch
        {
            "DISPLAY" => x11,
            "WAYLAND_DISPLAY" => wayland,
            _ => null,
        });

        Assert.That(found, Is.EqualTo(expected));
    }

    [Test]
    public void A_missing_native_library_names_the_Debian_package()
    {
        var exception = Assert.Throws<RealtimeGenException>(() =>
            NativeDependency.Require("libEGL.so.999", NativeDependency.EglPackages, "Headless rendering (EGL)"));

        Assert.That(exception!.Message, Does.Contain("libEGL.so.999")
            .And.Contain("apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri"));
    }
}
