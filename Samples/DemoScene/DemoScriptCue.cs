namespace RealtimeGen.Samples.DemoScene;

/// <summary>One line of a demo script: at <paramref name="AtSeconds"/>, object <paramref name="ObjectIndex"/> asks for <paramref name="Prompt"/>.</summary>
internal readonly record struct DemoScriptCue(double AtSeconds, int ObjectIndex, string Prompt, int Line);
