namespace RealtimeGen.Samples.DemoScene;

/// <summary>Fires the cues of a <see cref="DemoScript"/> as the run's clock passes their times.</summary>
internal sealed class DemoScriptPlayer(DemoScript script)
{
    private int _next;

    /// <summary>True once every cue has fired.</summary>
    public bool Finished => _next >= script.Cues.Count;

    /// <summary>Calls <paramref name="fire"/> for every cue due at <paramref name="seconds"/> that has not fired yet.</summary>
    public void Advance(double seconds, Action<DemoScriptCue> fire)
    {
        while (_next < script.Cues.Count && script.Cues[_next].AtSeconds <= seconds)
        {
            fire(script.Cues[_next++]);
        }
    }
}
