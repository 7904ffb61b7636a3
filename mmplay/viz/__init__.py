"""Pure figure builders: lab results in, ``plotly.graph_objects.Figure`` out."""
