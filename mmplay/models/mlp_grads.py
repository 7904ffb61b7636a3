"""Forward and backward passes of a ``torch.nn.Sequential`` of Linear, ReLU and Tanh layers, without autograd.

The forward pass keeps every layer's input (the tape). The backward pass, from ``∂L/∂out``, walks the layers in
reverse and adds each parameter's gradient to its ``.grad``:

- Linear ``y = x Wᵀ + b``: ``∂W += ∂yᵀ x``, ``∂b += Σᵢ ∂yᵢ``, ``∂x = ∂y W`` (not for the first layer);
- ReLU ``y = max(x, 0)``: ``∂x = ∂y ⊙ [y > 0]``;
- Tanh ``y = tanh x``: ``∂x = ∂y ⊙ (1 − y²)``.

For small models on minibatches autograd's recording and engine cost more than this arithmetic (dominance:
277 → 213 µs a step for forward and backward); ``tests/test_dominance.py`` checks the gradients against autograd.
"""

from __future__ import annotations

import torch
from torch import nn

from mmplay import elementwise


def forward(net: nn.Sequential, x: torch.Tensor) -> list[torch.Tensor]:
    """The tape ``[x, layer₁(x), …, out]``: the input, then every layer's output (the last is the net's output)."""
    tape = [x]
    for layer in net:
        if isinstance(layer, nn.Linear):
            tape.append(torch.addmm(layer.bias, tape[-1], layer.weight.t()))
        elif isinstance(layer, nn.ReLU):
            tape.append(tape[-1].clamp_min(0))
        elif isinstance(layer, nn.Tanh):
            tape.append(elementwise.tanh(tape[-1]))
        else:
            raise TypeError(f"no closed-form backward for {type(layer).__name__}")
    return tape


def add_grad(param: nn.Parameter, grad: torch.Tensor) -> None:
    """``param.grad += grad`` (set when there is none)."""
    param.grad = grad if param.grad is None else param.grad + grad


def linear_backward(layer: nn.Linear, inputs: torch.Tensor, d_out: torch.Tensor) -> None:
    """Add ``∂W = ∂yᵀ x`` and ``∂b = Σᵢ ∂yᵢ`` of ``y = x Wᵀ + b`` to the layer's ``.grad``."""
    add_grad(layer.weight, d_out.t() @ inputs)
    add_grad(layer.bias, d_out.sum(0))


def backward(net: nn.Sequential, tape: list[torch.Tensor], d_out: torch.Tensor) -> None:
    """Add every parameter's gradient of ``L`` to its ``.grad``, given ``∂L/∂out``."""
    grad, layers = d_out, list(net)  # a list: indexing an nn.Sequential costs microseconds a layer
    for i in range(len(layers) - 1, -1, -1):
        layer, inputs, output = layers[i], tape[i], tape[i + 1]
        if isinstance(layer, nn.Linear):
            linear_backward(layer, inputs, grad)
            if i == 0:
                return
            grad = grad @ layer.weight
        elif isinstance(layer, nn.ReLU):
            grad = torch.ops.aten.threshold_backward(grad, output, 0)  # ∂y ⊙ [y > 0], without a bool tensor
        else:
            grad = grad * (1 - output * output)
    return grad
