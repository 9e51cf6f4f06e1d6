using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Platform.Native;

/// <summary>The few EGL 1.5 entry points the headless context needs, bound to Debian's libglvnd <c>libEGL.so.1</c>.</summary>
internal static partial class Egl
{
    public const string Library = "libEGL.so.1";

    public const int True = 1;
    public const int None = 0x3038;
    public const int Success = 0x3000;
    public const int SurfaceType = 0x3033;
    public const int RenderableType = 0x3040;
    public const int PbufferBit = 0x0001;
    public const int OpenGLBit = 0x0008;
    public const int OpenGLApi = 0x30A2;
    public const int ContextMajorVersion = 0x3098;
    public const int ContextMinorVersion = 0x30FB;
    public const int ContextOpenGLProfileMask = 0x30FD;
    public const int ContextOpenGLCoreProfileBit = 0x0001;
    public const int ContextOpenGLDebug = 0x31B0;
    public const int Vendor = 0x3053;
    public const int Version = 0x3054;
    public const int Extensions = 0x3055;
    public const int PlatformSurfacelessMesa = 0x31DD;

    [LibraryImport(Library, EntryPoint = "eglGetError")]
    public static partial int GetError();

    [LibraryImport(Library, EntryPoint = "eglGetPlatformDisplay")]
    public static partial nint GetPlatformDisplay(int platform, nint nativeDisplay, nint attribList);

    [LibraryImport(Library, EntryPoint = "eglInitialize")]
    public static partial int Initialize(nint display, out int major, out int minor);

    [LibraryImport(Library, EntryPoint = "eglTerminate")]
    public static partial int Terminate(nint display);

    [LibraryImport(Library, EntryPoint = "eglQueryString")]
    public static partial nint QueryString(nint display, int name);

    [LibraryImport(Library, EntryPoint = "eglBindAPI")]
    public static partial int BindApi(int api);

    [LibraryImport(Library, EntryPoint = "eglChooseConfig")]
    public static unsafe partial int ChooseConfig(nint display, int* attribList, nint* configs, int configSize, out int configCount);

    [LibraryImport(Library, EntryPoint = "eglCreateContext")]
    public static unsafe partial nint CreateContext(nint display, nint config, nint shareContext, int* attribList);

    [LibraryImport(Library, EntryPoint = "eglDestroyContext")]
    public static partial int DestroyContext(nint display, nint context);

    [LibraryImport(Library, EntryPoint = "eglMakeCurrent")]
    public static partial int MakeCurrent(nint display, nint draw, nint read, nint context);

    [LibraryImport(Library, EntryPoint = "eglGetCurrentContext")]
    public static partial nint GetCurrentContext();

    [LibraryImport(Library, EntryPoint = "eglReleaseThread")]
    public static partial int ReleaseThread();

    [LibraryImport(Library, EntryPoint = "eglGetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetProcAddress(string name);

    /// <summary>Names an EGL error code the way the EGL specification spells it, for exception messages.</summary>
    public static string ErrorName(int code) => code switch
    {
        0x3000 => "EGL_SUCCESS",
        0x3001 => "EGL_NOT_INITIALIZED",
        0x3002 => "EGL_BAD_ACCESS",
        0x3003 => "EGL_BAD_ALLOC",
        0x3004 => "EGL_BAD_ATTRIBUTE",
        0x3005 => "EGL_BAD_CONFIG",
        0x3006 => "EGL_BAD_CONTEXT",
        0x3007 => "EGL_BAD_CURRENT_SURFACE",
        0x3008 => "EGL_BAD_DISPLAY",
        0x3009 => "EGL_BAD_MATCH",
        0x300A => "EGL_BAD_NATIVE_PIXMAP",
        0x300B => "EGL_BAD_NATIVE_WINDOW",
        0x300C => "EGL_BAD_PARAMETER",
        0x300D => "EGL_BAD_SURFACE",
        0x300E => "EGL_CONTEXT_LOST",
        _ => $"0x{code:X4}",
    };

    /// <summary>Reads a NUL-terminated UTF-8 string EGL owns; empty when EGL returned null.</summary>
    public static string QueryText(nint display, int name)
    {
        nint text = QueryString(display, name);
        return text == 0 ? string.Empty : Marshal.PtrToStringUTF8(text) ?? string.Empty;
    }
}
