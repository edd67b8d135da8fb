"""Recasting published kaon-decay HNL searches into limits on branching ratios and mixings.

* :mod:`nuportal.recast.kaon` -- peak searches K+ -> l+ N: signal-event limit -> BR -> |U_l|^2
  (reference 001, NA62-RK 2007 and NA62 2015).
* :mod:`nuportal.recast.kpimumu` -- NA48/2 K+- -> mu+- N, N -> pi mu: lifetime-dependent
  acceptance of the prompt-vertex selection and the self-consistent |U_mu|^2 limit (reference 001).
"""
