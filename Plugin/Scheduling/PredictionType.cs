namespace RealtimeGen.Plugin.Scheduling;

/// <summary>What the UNet predicts, as diffusers' <c>prediction_type</c>.</summary>
public enum PredictionType
{
    /// <summary>The added noise ε (<c>"epsilon"</c>); SD1.5-class models and the shipped model.</summary>
    Epsilon,

    /// <summary>The velocity v = √ᾱ·ε − √(1−ᾱ)·x₀ (<c>"v_prediction"</c>).</summary>
    VPrediction,

    /// <summary>The clean sample x₀ itself (<c>"sample"</c>).</summary>
    Sample,
}
