using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Components;

/// <summary>
/// What texture an entity wants generated. Adding it to an entity starts a job; changing it through
/// <see cref="TextureGenerationPlugin.Request(Engine.Ecs.Entity, in TextureRequest)"/> (which bumps <see cref="Version"/>) starts a new job that replaces
/// the running one (latest wins); removing it, or destroying the entity, cancels the job.
/// </summary>
/// <remarks>Zero-valued numeric fields mean the defaults listed on each property.</remarks>
public record struct TextureRequest
{
    /// <summary>Default steps when <see cref="Steps"/> is 0.</summary>
    public const int DefaultSteps = 4;

    /// <summary>Default width and height when <see cref="Width"/> or <see cref="Height"/> is 0.</summary>
    public const int DefaultSize = 128;

    /// <summary>Creates a request for <paramref name="prompt"/> with the defaults.</summary>
    public TextureRequest(string prompt) => Prompt = prompt;

    /// <summary>The prompt.</summary>
    public string? Prompt { get; set; }

    /// <summary>Negative prompt (models without the guidance embedding only).</summary>
    public string? NegativePrompt { get; set; }

    /// <summary>Noise seed; the same request gives the same texture.</summary>
    public long Seed { get; set; }

    /// <summary>Denoising steps; 0 means <see cref="DefaultSteps"/>.</summary>
    public int Steps { get; set; }

    /// <summary>Texture width in pixels; 0 means <see cref="DefaultSize"/>.</summary>
    public int Width { get; set; }

    /// <summary>Texture height in pixels; 0 means <see cref="DefaultSize"/>.</summary>
    public int Height { get; set; }

    /// <summary>Asks for a texture that tiles: the pipeline pads the latents circularly (see
    /// <see cref="GenerationRequest.Seamless"/>).</summary>
    public bool Seamless { get; set; }

    /// <summary>img2img start image, or null for text-to-image.</summary>
    public InitImage? InitImage { get; set; }

    /// <summary>img2img strength in [0, 1]; 0 means the pipeline default (0.6).</summary>
    public double Strength { get; set; }

    /// <summary>Higher runs first (e.g. on-screen and near before off-screen and far).</summary>
    public int Priority { get; set; }

    /// <summary>Change counter: a request whose version differs from the one last submitted is a new request.</summary>
    public int Version { get; set; }

    /// <summary>The pipeline request this asks for.</summary>
    public readonly GenerationRequest ToGenerationRequest()
    {
        var request = new GenerationRequest
        {
            Prompt = Prompt ?? "",
            NegativePrompt = NegativePrompt ?? "",
            Seed = Seed,
            Steps = Steps == 0 ? DefaultSteps : Steps,
            Width = Width == 0 ? DefaultSize : Width,
            Height = Height == 0 ? DefaultSize : Height,
            InitImage = InitImage,
            Seamless = Seamless,
        };
        return Strength == 0 ? request : request with { Strength = Strength };
    }
}
