// Package testkit holds test support that several packages' tests share:
// real Git servers on loopback (gitserve) and the checker that runs every
// qlikops command line of the CI recipes (recipetest). Nothing here is part
// of the product.
package testkit
