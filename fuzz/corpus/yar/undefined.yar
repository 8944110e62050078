rule broken { condition: pe.x }
